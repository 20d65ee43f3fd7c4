"""Sessions survive: transcripts, -c / -r, and a kill -9 in the middle of a turn."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from corral.engine.transcript import iter_transcripts
from corral.testing import MessagesServer, text, tool_use

from tests._distinfo import cli_env
from tests.cli.conftest import result_of


def test_continue_resumes_the_conversation(anthropic_server: MessagesServer, run_cli, project) -> None:
    anthropic_server.enqueue(text("first answer"), text("second answer"))
    code, out, _ = run_cli("-p", "first question", "--output-format", "json")
    first_id = result_of(out)["session_id"]
    code, out, _ = run_cli("-c", "-p", "second question", "--output-format", "json")
    assert code == 0 and result_of(out)["session_id"] == first_id
    messages = anthropic_server.message_requests[1].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"][0]["text"] == "first answer"


def test_resume_by_id_and_sessions_list(anthropic_server: MessagesServer, run_cli) -> None:
    anthropic_server.enqueue(text("a1"), text("b1"), text("a2"))
    _, out_a, _ = run_cli("-p", "session A", "--output-format", "json")
    _, out_b, _ = run_cli("-p", "session B", "--output-format", "json")
    a = result_of(out_a)["session_id"]
    code, out, _ = run_cli("-r", a[:8], "-p", "again", "--output-format", "json")
    assert code == 0 and result_of(out)["session_id"] == a
    texts = [m["content"] for m in anthropic_server.message_requests[2].body["messages"]]
    assert "session A" in json.dumps(texts) and "session B" not in json.dumps(texts)
    code, out, _ = run_cli("sessions", "--json")
    listed = {row["id"]: row for row in json.loads(out)}
    assert listed[a]["first_prompt"] == "session A" and listed[a]["turns"] == 2
    code, out, err = run_cli("-r", "nope", "-p", "x")
    assert code == 2 and "no session 'nope'" in err


def test_kill_9_mid_session_then_resume(anthropic_server: MessagesServer, project: Path) -> None:
    (project / "a.txt").write_text("hello")
    anthropic_server.enqueue(
        tool_use("Read", {"file_path": "a.txt"}),
        text("never delivered").delayed(30),
    )
    env = cli_env(ANTHROPIC_BASE_URL=anthropic_server.base_url, ANTHROPIC_API_KEY="test")
    proc = subprocess.Popen([sys.executable, "-m", "corral", "-p", "read a.txt"], cwd=project,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while len(anthropic_server.message_requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(anthropic_server.message_requests) == 2, proc.stderr.read() if proc.poll() else ""
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    [path] = list(iter_transcripts(project))
    with path.open("ab") as fh:  # as if the kill had torn a line in half
        fh.write(b'{"type":"assistant_message","content":[{"ty')
    anthropic_server.clear()
    anthropic_server.enqueue(text("resumed fine"))
    out = subprocess.run([sys.executable, "-m", "corral", "-c", "-p", "go on", "--output-format",
                          "json"], cwd=project, env=env, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "skipped a damaged line" in out.stderr
    messages = anthropic_server.message_requests[0].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "user"]
    assert "hello" in json.dumps(messages[2]["content"])  # the Read result survived the kill
    assert result_of(out.stdout)["result"] == "resumed fine"


def test_background_job_completion_reaches_the_model(anthropic_server: MessagesServer, run_cli) -> None:
    anthropic_server.enqueue(
        tool_use("Bash", {"command": "echo built", "run_in_background": True}),
        tool_use("Bash", {"command": "sleep 0.3"}),
        text("saw it"),
    )
    code, out, err = run_cli("-p", "build", "--output-format", "json",
                             "--permission-mode", "bypassPermissions")
    assert code == 0, out + err
    third = anthropic_server.message_requests[2].body["messages"][-1]["content"]
    notes = [b["text"] for b in third if b.get("type") == "text"]
    assert notes and "<background-jobs>" in notes[0]
    # the notice is part of the conversation a resumed session sees
    anthropic_server.enqueue(text("resumed"))
    code, _, err = run_cli("-c", "-p", "and now?")
    assert code == 0, err
    history = anthropic_server.message_requests[3].body["messages"]
    assert "<background-jobs>" in json.dumps(history[:-1])
