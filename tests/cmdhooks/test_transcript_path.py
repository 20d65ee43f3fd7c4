"""``transcript_path`` is JSONL in Claude Code's shape: hook scripts written for Claude Code
read the conversation from it."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from corral.testing import text, tool_use

#: A Stop hook as people write them for Claude Code: walk the transcript, keep the last
#: user prompt and the last assistant text.
READER = r'''
import json, sys
data = json.load(sys.stdin)
last_user = last_assistant = None
chain_ok, previous, sessions = True, None, set()
with open(data["transcript_path"], encoding="utf-8") as f:
    for line in f:
        entry = json.loads(line)
        sessions.add(entry["sessionId"])
        chain_ok = chain_ok and entry["parentUuid"] == previous
        previous = entry["uuid"]
        content = entry["message"]["content"]
        if entry["type"] == "user" and isinstance(content, str):
            last_user = content
        elif entry["type"] == "assistant":
            texts = [b["text"] for b in content if b.get("type") == "text"]
            if texts:
                last_assistant = texts[-1]
with open(sys.argv[1], "w") as out:
    json.dump({"user": last_user, "assistant": last_assistant, "chain": chain_ok,
               "sessions": sorted(sessions), "session_id": data["session_id"]}, out)
'''


def test_a_stop_hook_finds_the_last_user_message(anthropic_server, run_cli, hooks,
                                                 project: Path) -> None:
    script = hooks.root / "reader.py"
    script.write_text(READER)
    result = hooks.root / "seen.json"
    command = " ".join(shlex.quote(a) for a in (sys.executable, str(script), str(result)))
    hooks.write_settings({"Stop": [{"hooks": [{"type": "command", "command": command}]}]},
                         permissions={"allow": ["Read"]})
    (project / "a.txt").write_text("alpha")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}),
                             text("The file says alpha."))
    code, out, err = run_cli("-p", "what does a.txt say?")
    assert code == 0, out + err
    seen = json.loads(result.read_text())
    assert seen["user"] == "what does a.txt say?"
    assert seen["assistant"] == "The file says alpha."
    assert seen["chain"] is True and seen["sessions"] == [seen["session_id"]]
