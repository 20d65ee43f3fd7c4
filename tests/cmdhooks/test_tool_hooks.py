"""PreToolUse and PostToolUse outcomes: block, vote, rewrite, feed back, stop."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corral.testing import MessagesServer, text, tool_use

from tests.cli.conftest import result_of
from tests.cmdhooks.conftest import events_of, group


def tool_result(server: MessagesServer, index: int = 1) -> dict[str, Any]:
    [block] = server.message_requests[index].body["messages"][-1]["content"]
    return block


def decided(out: str) -> dict[str, Any]:
    [event] = [e for e in events_of(out) if e.get("type") == "permission_decided"]
    return event


def allow_with(reason: str = "", **extra: Any) -> dict[str, Any]:
    specific = {"hookEventName": "PreToolUse", "permissionDecision": "allow",
                "permissionDecisionReason": reason, **extra}
    return {"hookSpecificOutput": specific}


def test_exit_2_blocks_with_stderr_as_the_reason(anthropic_server, run_cli, hooks, project) -> None:
    (project / "notes.txt").write_text("secret")
    settings = hooks.write_settings({"PreToolUse": [group(
        hooks.command("pre", exit=2, stderr="reading notes is not allowed today"), "Read")]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("ok"))
    code, out, err = run_cli("-p", "read", "--output-format", "corral-events")
    assert code == 0, out + err
    block = tool_result(anthropic_server)
    assert block["is_error"] and "reading notes is not allowed today" in block["content"]
    assert "secret" not in block["content"]
    event = decided(out)
    assert event["decision"] == "deny" and event["tier"] == "hook"
    assert event["source"] == str(settings)
    assert events_of(out)[-1]["permission_denials"][0]["tool_name"] == "Read"


def test_json_deny_denies_even_what_is_allowed(anthropic_server, run_cli, hooks, project) -> None:
    (project / "notes.txt").write_text("x")
    deny = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                   "permissionDecisionReason": "policy says no"}}
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre", stdout=deny))]},
                         permissions={"allow": ["Read"]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("ok"))
    code, out, _ = run_cli("-p", "read", "--output-format", "corral-events")
    assert code == 0
    assert decided(out)["decision"] == "deny" and "policy says no" in decided(out)["reason"]
    assert "policy says no" in tool_result(anthropic_server)["content"]


@pytest.mark.usefixtures("corral_no_sandbox")
def test_json_allow_lifts_a_mode_ask(anthropic_server, run_cli, hooks, project) -> None:
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre", stdout=allow_with("ok")),
                                               "Bash")]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}), text("done"))
    code, out, err = run_cli("-p", "make it", "--output-format", "corral-events")
    assert code == 0, out + err
    assert (project / "made.txt").exists()
    assert decided(out)["decision"] == "allow" and decided(out)["tier"] == "hook"


def test_json_allow_never_loosens_an_ask_rule(anthropic_server, run_cli, hooks, project) -> None:
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre", stdout=allow_with("ok")),
                                               "Bash")]},
                         permissions={"ask": ["Bash(touch *)"]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}), text("done"))
    code, out, _ = run_cli("-p", "make it", "--output-format", "corral-events")
    assert code == 0
    assert not (project / "made.txt").exists()
    event = decided(out)
    assert event["decision"] == "deny" and event["tier"] == "rule"
    assert event["rule"] == "Bash(touch *)"
    assert "PreToolUse hooks:" in event["reason"] and "voted allow" in event["reason"]


def test_updated_input_replaces_the_input(anthropic_server, run_cli, hooks, project) -> None:
    rewrite = allow_with("rewritten", updatedInput={"command": "echo rewritten > out.txt"})
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre", stdout=rewrite), "Bash")]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "echo original > out.txt"}),
                             text("done"))
    code, out, err = run_cli("-p", "write", "--output-format", "corral-events",
                             "--permission-mode", "acceptEdits")
    assert code == 0, out + err
    assert (project / "out.txt").read_text() == "rewritten\n"
    [record] = hooks.records("pre")
    assert record["tool_input"] == {"command": "echo original > out.txt"}


def test_updated_input_is_decided_again(anthropic_server, run_cli, hooks, project) -> None:
    rewrite = allow_with("sneaky", updatedInput={"command": "curl https://example.com"})
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre", stdout=rewrite), "Bash")]},
                         permissions={"deny": ["Bash(curl:*)"], "allow": ["Bash(echo:*)"]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "echo hi"}), text("done"))
    code, out, _ = run_cli("-p", "x", "--output-format", "corral-events")
    assert code == 0
    event = decided(out)
    assert event["decision"] == "deny" and event["rule"] == "Bash(curl:*)"


def test_invalid_updated_input_denies(anthropic_server, run_cli, hooks, project) -> None:
    rewrite = allow_with("bad", updatedInput={"command": 42})
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre", stdout=rewrite), "Bash")]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "echo hi > hi.txt"}), text("done"))
    code, out, _ = run_cli("-p", "x", "--output-format", "corral-events",
                           "--permission-mode", "acceptEdits")
    assert code == 0
    assert not (project / "hi.txt").exists()
    assert "not valid for Bash" in decided(out)["reason"]


def test_post_tool_use_block_reason_reaches_the_model(anthropic_server, run_cli, hooks,
                                                      project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    reply = {"decision": "block", "reason": "the file is stale; re-read it after a pull",
             "hookSpecificOutput": {"hookEventName": "PostToolUse",
                                    "additionalContext": "lint: 0 problems"}}
    hooks.write_settings({"PostToolUse": [group(hooks.command("post", stdout=reply), "Read")]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("ok"))
    code, _, err = run_cli("-p", "read", "--output-format", "json")
    assert code == 0, err
    content = tool_result(anthropic_server)["content"]
    assert "alpha" in content
    assert '<hook-feedback event="PostToolUse">' in content
    assert "the file is stale; re-read it after a pull" in content
    assert "lint: 0 problems" in content


def test_post_tool_use_exit_2_stderr_reaches_the_model(anthropic_server, run_cli, hooks,
                                                       project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    hooks.write_settings({"PostToolUse": [group(
        hooks.command("post", exit=2, stderr="format the file first"))]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    assert "format the file first" in tool_result(anthropic_server)["content"]


def test_continue_false_ends_the_turn_after_the_round(anthropic_server, run_cli, hooks,
                                                      project) -> None:
    (project / "notes.txt").write_text("alpha\n")
    reply = {"continue": False, "stopReason": "enough for today"}
    hooks.write_settings({"PostToolUse": [group(hooks.command("post", stdout=reply))]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}), text("never"))
    code, out, _ = run_cli("-p", "read", "--output-format", "json")
    assert code == 0
    assert len(anthropic_server.message_requests) == 1
    assert result_of(out)["result"] == "enough for today"


def test_tool_matchers_follow_claude_code(anthropic_server, run_cli, hooks, project) -> None:
    (project / "a.txt").write_text("a")
    hooks.write_settings({"PreToolUse": [
        group(hooks.command("exact"), "Read"),
        group(hooks.command("alternatives"), "Edit|Read"),
        group(hooks.command("regex"), "Re.*"),
        group(hooks.command("star"), "*"),
        group(hooks.command("empty"), ""),
        group(hooks.command("other"), "Write"),
        group(hooks.command("partial"), "Rea"),
    ]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    fired = {name for name in ("exact", "alternatives", "regex", "star", "empty", "other",
                               "partial") if hooks.records(name)}
    assert fired == {"exact", "alternatives", "regex", "star", "empty"}


def test_pre_tool_use_payload_is_json_per_claude_code(anthropic_server, run_cli, hooks,
                                                      project: Path) -> None:
    hooks.write_settings({"PreToolUse": [group(hooks.command("pre"), "Bash")]})
    anthropic_server.enqueue(tool_use("Bash", {"command": "echo 'a \"b\"'"}), text("ok"))
    assert run_cli("-p", "x", "--permission-mode", "bypassPermissions")[0] == 0
    [record] = hooks.records("pre")
    assert record["tool_input"] == {"command": "echo 'a \"b\"'"}
    assert record["permission_mode"] == "bypassPermissions"
    assert json.loads(json.dumps(record)) == record
