"""Claude Code's newer hook fields and events: ``if``, ``statusMessage``,
PostToolUseFailure, PermissionRequest."""

from __future__ import annotations

import pytest
from corral.testing import text, tool_use

from tests.cmdhooks.conftest import events_of, notices


def entry(command: str, **extra: object) -> dict:
    return {"type": "command", "command": command, **extra}


def decided(out: str) -> list[dict]:
    return [e for e in events_of(out) if e.get("type") == "permission_decided"]


def test_if_runs_the_hook_only_for_calls_the_rule_covers(anthropic_server, run_cli, hooks,
                                                         project) -> None:
    guard = hooks.command("guard", exit=2, stderr="no pushing")
    hooks.write_settings({"PreToolUse": [{"matcher": "Bash", "hooks": [
        entry(guard, **{"if": "Bash(git push *)"}, statusMessage="Checking for pushes")]}]},
        permissions={"allow": ["Bash(touch *)", "Bash(git push *)"]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch a.txt"}),
                             tool_use("Bash", {"command": "git push origin main"}),
                             text("done"))
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0, out + err
    assert (project / "a.txt").exists()
    [record] = hooks.records("guard")  # ran for the push only
    assert record["tool_input"]["command"] == "git push origin main"
    touch, push = decided(out)
    assert touch["decision"] == "allow"
    assert push["decision"] == "deny" and "no pushing" in push["reason"]
    shown = [n["text"] for n in notices(out)]
    assert shown.count("Checking for pushes") == 1


def test_an_if_that_is_not_a_rule_makes_the_entry_ask(anthropic_server, run_cli, hooks,
                                                      project) -> None:
    hooks.write_settings({"PreToolUse": [{"matcher": "Bash", "hooks": [
        entry("true", **{"if": "Bash(git push"})]}]},
        permissions={"allow": ["Bash(touch *)"]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch a.txt"}), text("done"))
    code, out, _ = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0
    assert not (project / "a.txt").exists()
    [event] = decided(out)
    assert event["decision"] == "deny" and "`if` is not a permission rule" in event["reason"]


def test_post_tool_use_failure_fires_for_a_failed_call(anthropic_server, run_cli, hooks,
                                                       project) -> None:
    hooks.write_settings({
        "PostToolUseFailure": [{"matcher": "Read", "hooks": [entry(hooks.command(
            "failure", stdout={"hookSpecificOutput": {"hookEventName": "PostToolUseFailure",
                                                      "additionalContext": "try ls first"}}))]}],
        "PostToolUse": [{"matcher": "Read", "hooks": [entry(hooks.command("success"))]}]},
        permissions={"allow": ["Read"]})
    (project / "there.txt").write_text("hi")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "missing.txt"}),
                             tool_use("Read", {"file_path": "there.txt"}), text("done"))
    code, out, err = run_cli("-p", "read", "--output-format", "corral-events")
    assert code == 0, out + err
    [failure] = hooks.records("failure")
    assert failure["hook_event_name"] == "PostToolUseFailure"
    assert failure["tool_input"] == {"file_path": "missing.txt"}
    assert "missing.txt" in failure["error"] and failure["is_interrupt"] is False
    [success] = hooks.records("success")
    assert success["tool_input"] == {"file_path": "there.txt"}
    [block] = anthropic_server.message_requests[1].body["messages"][-1]["content"]
    assert "try ls first" in str(block["content"])


# the sandbox would allow these commands; this is about the prompt a hook answers
@pytest.mark.usefixtures("corral_no_sandbox")
def test_permission_request_hooks_answer_what_would_ask(anthropic_server, run_cli, hooks,
                                                        project) -> None:
    allow = {"hookSpecificOutput": {"hookEventName": "PermissionRequest",
                                    "decision": {"behavior": "allow"}}}
    deny = {"hookSpecificOutput": {"hookEventName": "PermissionRequest",
                                   "decision": {"behavior": "deny", "message": "not rm"}}}
    hooks.write_settings({"PermissionRequest": [
        {"matcher": "Bash", "hooks": [entry(hooks.command("allow", stdout=allow),
                                            **{"if": "Bash(touch *)"})]},
        {"matcher": "Bash", "hooks": [entry(hooks.command("deny", stdout=deny),
                                            **{"if": "Bash(rm *)"})]}]})
    (project / "keep.txt").write_text("x")
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}),
                             tool_use("Bash", {"command": "rm keep.txt"}), text("done"))
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0, out + err
    assert (project / "made.txt").exists() and (project / "keep.txt").exists()
    made, kept = decided(out)
    assert made["decision"] == "allow" and made["tier"] == "hook"
    assert kept["decision"] == "deny" and "not rm" in kept["reason"]
    [asked] = hooks.records("allow")
    assert asked["tool_name"] == "Bash" and asked["permission_suggestions"]
