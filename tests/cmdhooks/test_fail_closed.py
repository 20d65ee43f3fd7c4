"""Hooks never fail open: extra fields still run, entries that cannot run make calls ask."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corral.testing import text, tool_use

from tests._distinfo import cli_env
from tests.cmdhooks.conftest import events_of


def decided(out: str) -> dict:
    [event] = [e for e in events_of(out) if e.get("type") == "permission_decided"]
    return event


def doctor(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "corral", "doctor"], cwd=project,
                          env=cli_env(COLUMNS="400"), capture_output=True, text=True,
                          timeout=60)


def test_a_guard_with_extra_fields_still_blocks(anthropic_server, run_cli, hooks, project) -> None:
    guard = hooks.command("guard", exit=2, stderr="no touching today")
    entry = {"type": "command", "command": guard, "timeout": 30,
             "statusMessage": "Checking the command…", "once": False,
             "x-owner": {"team": "platform"}}
    hooks.write_settings({"PreToolUse": [{"matcher": "Bash", "hooks": [entry],
                                          "description": "team guard"}]},
                         permissions={"allow": ["Bash(touch *)"]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}), text("ok"))
    code, out, err = run_cli("-p", "make it", "--output-format", "corral-events")
    assert code == 0, out + err
    assert not (project / "made.txt").exists()
    [record] = hooks.records("guard")
    assert record["tool_input"] == {"command": "touch made.txt"}
    event = decided(out)
    assert event["decision"] == "deny" and "no touching today" in event["reason"]


def test_an_entry_that_cannot_run_makes_matching_calls_ask(anthropic_server, run_cli, hooks,
                                                           project) -> None:
    (project / "notes.txt").write_text("hello")
    settings = hooks.write_settings(
        {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "mcp_tool",
                                                        "prompt": "Is $ARGUMENTS safe?"}]}]},
        permissions={"allow": ["Bash(touch *)", "Read"]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}),
                             tool_use("Read", {"file_path": "notes.txt"}), text("ok"))
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0, out + err
    assert not (project / "made.txt").exists()
    bash, read = [e for e in events_of(out) if e.get("type") == "permission_decided"]
    assert bash["decision"] == "deny" and bash["tier"] == "hook"
    assert bash["source"] == str(settings)
    assert "hooks.PreToolUse[0].hooks[0]" in bash["reason"] and "headless" in bash["reason"]
    assert read["decision"] == "allow"  # the broken entry only matched Bash
    assert "hello" in json.dumps(anthropic_server.message_requests[2].body["messages"][-1])


def test_a_matcher_that_does_not_compile_guards_every_tool(anthropic_server, run_cli, hooks,
                                                           project) -> None:
    (project / "notes.txt").write_text("hello")
    hooks.write_settings({"PreToolUse": [{"matcher": "Read|(Write",
                                          "hooks": [{"type": "command", "command": "true"}]}]},
                         permissions={"allow": ["Read"]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("ok"))
    code, out, _ = run_cli("-p", "go", "--output-format", "corral-events",
                           "--permission-mode", "bypassPermissions")
    assert code == 0
    event = decided(out)
    assert event["decision"] == "deny" and "not a valid regular expression" in event["reason"]


def test_doctor_lists_ignored_fields_and_fails_on_entries_that_cannot_run(hooks, project) -> None:
    entry = {"type": "command", "command": "true", "x-owner": "ops"}
    settings = hooks.write_settings({"PreToolUse": [{"matcher": "Bash", "hooks": [entry]}]})
    out = doctor(project)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "not used" in out.stdout and "x-owner" in out.stdout
    assert "hooks.PreToolUse[0].hooks[0]" in out.stdout
    hooks.write_settings({"PreToolUse": [{"matcher": "Bash", "hooks": [entry]},
                                         {"matcher": "Edit", "hooks": [{"type": "command"}]}]})
    out = doctor(project)
    assert out.returncode == 1
    line = next(x for x in out.stdout.splitlines() if "error" in x and "hooks.PreToolUse[1]" in x)
    assert str(settings) in line and "`command`" in line
