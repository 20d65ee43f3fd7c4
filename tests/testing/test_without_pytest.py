"""``corral.testing`` is usable in a program that has no pytest installed."""

from __future__ import annotations

import subprocess
import sys


def test_corral_testing_imports_without_pytest() -> None:
    code = (
        "import sys; sys.modules['pytest'] = None; sys.modules['_pytest'] = None\n"
        "from corral.testing import MessagesServer, text, isolate\n"
        "import urllib.request, json\n"
        "with MessagesServer(text('hello')) as server:\n"
        "    body = json.dumps({'model': 'm', 'max_tokens': 5,\n"
        "        'messages': [{'role': 'user', 'content': 'hi'}]}).encode()\n"
        "    req = urllib.request.Request(server.base_url + '/v1/messages', data=body,\n"
        "        headers={'content-type': 'application/json', 'x-api-key': 'k'})\n"
        "    print(json.load(urllib.request.urlopen(req, timeout=10))['content'][0]['text'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "hello"
