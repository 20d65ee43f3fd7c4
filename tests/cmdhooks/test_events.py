"""Every command-hook event fires, with the documented fields on stdin."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from corral import cmdhooks
from corral.app import App
from corral.engine import Engine
from corral.engine.permission_gate import decide_call
from corral.session import Session
from corral.testing import MessagesServer, text, tool_use
from corral.tools.base import ToolCall

from tests.cli.conftest import result_of
from tests.cmdhooks.conftest import Hooks, group, notices

COMMON = {"session_id", "transcript_path", "cwd", "permission_mode", "hook_event_name"}


def check_common(record: dict[str, Any], event: str, project: Path, session_id: str,
                 mode: str = "default") -> None:
    assert COMMON <= set(record)
    assert record["hook_event_name"] == event
    assert record["session_id"] == session_id
    assert record["cwd"] == str(project.resolve())
    assert record["permission_mode"] == mode
    assert record["transcript_path"].endswith(f"{session_id}.jsonl")
    assert Path(record["transcript_path"]).is_file()
    assert record["env_project_dir"] == str(project.resolve())
    assert record["proc_cwd"] == str(project.resolve())


def test_tool_prompt_stop_and_session_events_fire_with_their_fields(
    anthropic_server: MessagesServer, run_cli, hooks: Hooks, project: Path
) -> None:
    (project / "notes.txt").write_text("alpha\n")
    names = ["PreToolUse", "PostToolUse", "UserPromptSubmit", "Stop", "SessionStart",
             "SessionEnd"]
    config = {name: [group(hooks.command(name), "Read" if "Tool" in name else None)]
              for name in names}
    config["PreToolUse"].append(group(hooks.command("pre_bash"), "Bash"))
    hooks.write_settings(config)
    anthropic_server.enqueue(tool_use("Read", {"file_path": "notes.txt"}, id="toolu_r1"),
                             text("one line"))
    code, out, err = run_cli("-p", "what is in notes.txt?", "--output-format", "json")
    assert code == 0, out + err
    session_id = result_of(out)["session_id"]

    [pre] = hooks.records("PreToolUse")
    check_common(pre, "PreToolUse", project, session_id)
    assert pre["tool_name"] == "Read" and pre["tool_use_id"] == "toolu_r1"
    assert pre["tool_input"] == {"file_path": "notes.txt"}
    assert hooks.records("pre_bash") == []  # its matcher names another tool

    [post] = hooks.records("PostToolUse")
    check_common(post, "PostToolUse", project, session_id)
    assert post["tool_name"] == "Read" and post["tool_use_id"] == "toolu_r1"
    assert post["tool_input"] == {"file_path": "notes.txt"}
    assert "alpha" in post["tool_response"]["content"]
    assert post["tool_response"]["is_error"] is False

    [prompt] = hooks.records("UserPromptSubmit")
    check_common(prompt, "UserPromptSubmit", project, session_id)
    assert prompt["prompt"] == "what is in notes.txt?"

    [stop] = hooks.records("Stop")
    check_common(stop, "Stop", project, session_id)
    assert stop["stop_hook_active"] is False

    [start] = hooks.records("SessionStart")
    check_common(start, "SessionStart", project, session_id)
    assert start["source"] == "startup"

    [end] = hooks.records("SessionEnd")
    check_common(end, "SessionEnd", project, session_id)
    assert end["reason"] == "other"


def test_session_start_on_resume_says_resume(anthropic_server, run_cli, hooks, project) -> None:
    hooks.write_settings({"SessionStart": [group(hooks.command("start"))]})
    anthropic_server.enqueue(text("first"), text("second"))
    assert run_cli("-p", "one")[0] == 0
    assert run_cli("-p", "two", "-c")[0] == 0
    assert [r["source"] for r in hooks.records("start")] == ["startup", "resume"]


def test_session_start_matcher_selects_by_source(anthropic_server, run_cli, hooks) -> None:
    hooks.write_settings({"SessionStart": [group(hooks.command("on_resume"), "resume"),
                                           group(hooks.command("on_start"), "startup")]})
    anthropic_server.enqueue(text("hi"))
    assert run_cli("-p", "one")[0] == 0
    assert len(hooks.records("on_start")) == 1 and hooks.records("on_resume") == []


def test_pre_compact_fires_with_trigger(anthropic_server, run_cli, hooks, project) -> None:
    (project / ".claude" / "corral.toml").write_text("[engine]\ncompact_trigger_tokens = 100\n")
    hooks.write_settings({"PreCompact": [group(hooks.command("compact"), "auto")]})
    anthropic_server.enqueue(
        tool_use("Glob", {"pattern": "*"}).with_usage(input_tokens=5000),
        text("a summary of the work"),
        text("done"),
    )
    code, out, err = run_cli("-p", "look around", "--output-format", "corral-events")
    assert code == 0, out + err
    [record] = hooks.records("compact")
    session_id = json.loads(out.strip().splitlines()[-1])["session_id"]
    check_common(record, "PreCompact", project, session_id)
    assert record["trigger"] == "auto" and record["custom_instructions"] == ""
    assert any(e.get("type") == "compaction" for e in map(json.loads, out.splitlines()))


def _session(project: Path) -> Session:
    session = Session(App.create(cwd=project), headless=False)
    session.open_transcript()
    return session


@pytest.mark.usefixtures("corral_no_sandbox")
def test_notification_fires_when_the_permission_prompt_is_shown(hooks, project) -> None:
    hooks.write_settings({"Notification": [group(hooks.command("note"), "permission_prompt")]})
    session = _session(project)
    asked: list[str] = []

    async def ask(call: ToolCall, decision: Any) -> tuple[str, str]:
        asked.append(call.name)
        return ("deny", "not now")

    session.ask_permission = ask
    call = ToolCall(id="toolu_n", name="Bash", input={"command": "rm notes.txt"})
    decision = asyncio.run(decide_call(session, call))
    assert decision.decision == "deny" and asked == ["Bash"]
    [record] = hooks.records("note")
    check_common(record, "Notification", project, session.id)
    assert record["notification_type"] == "permission_prompt"
    assert "Bash" in record["message"]


def test_notify_is_public_for_other_waits(hooks, project) -> None:
    hooks.write_settings({"Notification": [group(hooks.command("note"), "idle_prompt")]})
    session = _session(project)
    asyncio.run(cmdhooks.notify(session, "corral is waiting for input", "idle_prompt"))
    asyncio.run(cmdhooks.notify(session, "not matched", "permission_prompt"))
    [record] = hooks.records("note")
    assert record["message"] == "corral is waiting for input"


def test_subagent_turn_fires_subagent_stop_not_stop_or_prompt(
    anthropic_server: MessagesServer, hooks: Hooks, project: Path
) -> None:
    hooks.write_settings({
        "SubagentStop": [group(hooks.command("sub"))],
        "Stop": [group(hooks.command("stop"))],
        "UserPromptSubmit": [group(hooks.command("prompt"))],
    })
    anthropic_server.enqueue(text("child answer"))
    session = _session(project)

    async def drive() -> str:
        engine = Engine(session)
        try:
            outcome = await engine.run_turn("do the sub-task", origin=cmdhooks.SUBAGENT_ORIGIN)
        finally:
            await engine.aclose()
        return outcome.result

    assert asyncio.run(drive()) == "child answer"
    [record] = hooks.records("sub")
    check_common(record, "SubagentStop", project, session.id)
    assert record["stop_hook_active"] is False
    assert hooks.records("stop") == [] and hooks.records("prompt") == []


def test_subagent_stop_function_for_the_coordinator(hooks, project) -> None:
    hooks.write_settings({"SubagentStop": [group(hooks.command(
        "sub", stdout={"decision": "block", "reason": "check your answer"}))]})
    session = _session(project)
    reason = asyncio.run(cmdhooks.subagent_stop(session, stop_hook_active=True))
    assert reason == "check your answer"
    [record] = hooks.records("sub")
    assert record["hook_event_name"] == "SubagentStop" and record["stop_hook_active"] is True


def test_every_firing_is_a_notice(anthropic_server, run_cli, hooks) -> None:
    hooks.write_settings({"UserPromptSubmit": [group(hooks.command("prompt"))]})
    anthropic_server.enqueue(text("hi"))
    code, out, _ = run_cli("-p", "hello", "--output-format", "corral-events")
    assert code == 0
    [notice] = notices(out)
    assert notice["level"] == "info" and notice["data"]["hook_event"] == "UserPromptSubmit"
    assert notice["data"]["exit_code"] == 0
    assert notice["data"]["source"].endswith("settings.json")


def test_subagent_start_fires_once_with_the_agent_type(anthropic_server, hooks,
                                                      project) -> None:
    hooks.write_settings({"SubagentStart": [group(hooks.command("start"), "Code Reviewer")]})
    anthropic_server.enqueue(text("first"), text("second"))
    session = _session(project)
    session.agent = "Code Reviewer"
    session.parent_id = "parent-session"

    async def drive() -> None:
        engine = Engine(session)
        try:
            await engine.run_turn("review it", origin=cmdhooks.SUBAGENT_ORIGIN)
            await engine.run_turn("and again", origin=cmdhooks.SUBAGENT_ORIGIN)
        finally:
            await engine.aclose()

    asyncio.run(drive())
    [record] = hooks.records("start")
    assert record["hook_event_name"] == "SubagentStart"
    assert record["agent_type"] == "Code Reviewer" and record["agent_id"] == session.id
    assert record["session_id"] == "parent-session"
