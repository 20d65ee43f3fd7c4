"""The quality gate: shell checks and a reviewer's verdict; a failed gate makes the worker retry."""

from __future__ import annotations

from pathlib import Path

from corral.testing import MessagesServer, text, tool_use
from corral_coordinator.quality_gate import parse_verdict

from ._script import MAIN, Router
from .conftest import RunCli, write_agent

VERIFIER = "You are an adversarial verifier"
GATE = """
[plugins.coordinator]
gate_subagents = true
gate_retries = {retries}
[[plugins.coordinator.gate]]
name = "file exists"
command = "test -f fixed.txt"
[[plugins.coordinator.gate]]
agent = "verifier"
"""


def _call() -> dict:
    return {"description": "fix it", "prompt": "create fixed.txt", "subagent_type": "fixer"}


def test_gate_fails_once_then_passes_after_the_retry(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "fixer", "You are FIXER-MARK.", tools="Write")
    router = Router({
        MAIN: [tool_use("Agent", _call()), text("accepted")],
        "FIXER-MARK": [
            text("done (but nothing was written)"),
            tool_use("Write", {"file_path": "fixed.txt", "content": "ok\n"}),
            text("fixed.txt is there now"),
        ],
        VERIFIER: [text("I ran `cat fixed.txt`: ok\nVERDICT: PASS")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             "--permission-mode", "acceptEdits",
                             settings=GATE.format(retries=2))
    assert code == 0, out + err
    assert (project / "fixed.txt").read_text() == "ok\n"
    retry = router.seen["FIXER-MARK"][1].messages[-1]["content"][-1]["text"]
    assert "did not pass the quality gate" in retry
    assert "check 'file exists' failed" in retry and "exited with status 1" in retry
    # the reviewer ran once, after the shell check passed, and saw the worker's answer
    [review] = router.seen[VERIFIER]
    assert "fixed.txt is there now" in review.messages[0]["content"][-1]["text"]
    [block] = router.seen[MAIN][1].messages[-1]["content"]
    assert not block.get("is_error")
    assert block["content"].startswith("fixed.txt is there now")
    assert "[quality gate passed after 1 retry]" in block["content"]


def test_gate_that_keeps_failing_is_reported(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "fixer", "You are FIXER-MARK.", tools="Write")
    (project / "fixed.txt").write_text("present")
    router = Router({
        MAIN: [tool_use("Agent", _call()), text("it failed")],
        "FIXER-MARK": [text("try one"), text("try two")],
        # each review is a fresh verifier session: both reviews are its turn 0
        VERIFIER: [lambda r: text(
            "broken\nVERDICT: FAIL" if "try one" in r.messages[0]["content"][-1]["text"]
            else "still broken\nVERDICT: PARTIAL")],
    })
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             settings=GATE.format(retries=1))
    assert code == 0, out + err
    assert len(router.seen["FIXER-MARK"]) == 2 and len(router.seen[VERIFIER]) == 2
    [block] = router.seen[MAIN][1].messages[-1]["content"]
    assert block["is_error"]
    assert "Sub-agent fixer failed (error_quality_gate)" in block["content"]
    assert "failed the quality gate 2 times" in block["content"]
    assert "VERDICT: PARTIAL" in block["content"]


def test_parse_verdict() -> None:
    assert parse_verdict("evidence...\nVERDICT: PASS") == "PASS"
    assert parse_verdict("VERDICT: FAIL\nlater\n**VERDICT: partial**") == "PARTIAL"
    assert parse_verdict("looks fine to me") is None
