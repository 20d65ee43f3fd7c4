"""The warm-up thread of ``corral -p``: it connects and loads certificates, and imports
nothing (a thread importing beside the main thread's imports would slow start-up down)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

_PROBE = """
import json, sys, threading
from corral.transport import preopen, warm
from corral.transport.endpoint import Origin
url = sys.argv[1]
imported = []
def audit(event, args):
    if event == "import" and threading.current_thread().name == "corral-warm-transport":
        imported.append(args[0])
sys.addaudithook(audit)
thread = warm.start(url)
thread.join(30)
origin = Origin.split(url)[0]
tls = sys.modules.get("corral.transport.tls")
print(json.dumps({
    "imported": imported,
    "alive": thread.is_alive(),
    "connected": preopen.take(origin) is not None,
    "tls_built": tls is not None and tls._context is not None,
}))
"""


@pytest.fixture
def listener() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections (nothing is ever sent)."""
    server = socket.create_server(("127.0.0.1", 0))
    try:
        yield server.getsockname()[1]
    finally:
        server.close()


def _probe(url: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    done = subprocess.run([sys.executable, "-c", _PROBE, url], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_warm_up_thread_connects_and_imports_nothing(listener: int, scheme: str) -> None:
    answer = _probe(f"{scheme}://127.0.0.1:{listener}")
    assert answer["alive"] is False and answer["connected"] is True
    assert answer["imported"] == []
    assert answer["tls_built"] is (scheme == "https")


def test_nothing_is_started_when_a_proxy_applies(listener: int) -> None:
    env = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from corral.transport import warm; "
         "print(warm.start(sys.argv[1]) is None)", f"http://127.0.0.1:{listener}"],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr[-2000:]
