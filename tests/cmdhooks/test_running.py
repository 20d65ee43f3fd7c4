"""How hooks run: timeouts, failures, parallel runs, output cap, the managed lock."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from corral import cmdhooks
from corral.testing import MessagesServer, text, tool_use

from tests.cli.conftest import result_of
from tests.cmdhooks.conftest import Hooks, group, notices


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_timeout_kills_the_process_group_and_warns(anthropic_server, run_cli, hooks: Hooks,
                                                   tmp_path: Path, project: Path) -> None:
    (project / "a.txt").write_text("alpha")
    pid_file = tmp_path / "child.pid"
    hooks.write_settings({"PreToolUse": [group(
        hooks.command("slow", child=str(pid_file), sleep=60), "Read", 1)]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    code, out, err = run_cli("-p", "read", "--output-format", "corral-events")
    assert code == 0, out + err
    [notice] = notices(out)
    assert notice["level"] == "warning" and "timed out after 1 s" in notice["text"]
    assert notice["data"]["timed_out"] is True
    child = int(pid_file.read_text())
    assert _gone(child), "the hook's child outlived the timeout"
    # a timeout blocks nothing: the tool ran
    block = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert "alpha" in block["content"]


def test_other_exit_status_is_a_reported_non_blocking_error(anthropic_server, run_cli,
                                                            hooks, project) -> None:
    (project / "a.txt").write_text("alpha")
    hooks.write_settings({"PreToolUse": [group(
        hooks.command("broken", exit=1, stderr="Traceback: oops"))]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    code, out, _ = run_cli("-p", "read", "--output-format", "corral-events")
    assert code == 0
    [notice] = notices(out)
    assert notice["level"] == "warning"
    assert "exit status 1" in notice["text"] and "Traceback: oops" in notice["text"]
    block = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert "alpha" in block["content"] and not block.get("is_error")


def test_bad_json_is_a_reported_error(anthropic_server, run_cli, hooks, project) -> None:
    (project / "a.txt").write_text("alpha")
    hooks.write_settings({"PreToolUse": [group(hooks.command("bad", stdout="{not json"))]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    code, out, _ = run_cli("-p", "read", "--output-format", "corral-events")
    assert code == 0
    [notice] = notices(out)
    assert notice["level"] == "warning" and "JSON" in notice["text"]


def test_matching_hooks_run_in_parallel(anthropic_server, run_cli, hooks, tmp_path,
                                        project) -> None:
    (project / "a.txt").write_text("alpha")
    a, b = tmp_path / "a.mark", tmp_path / "b.mark"
    # each waits (up to 10 s) for the other's mark: only a parallel run lets both see it
    first = hooks.command("first", mark=str(a), wait_for=str(b))
    second = hooks.command("second", mark=str(b), wait_for=str(a))
    hooks.write_settings({"PreToolUse": [group(first, "Read", None, second)]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    [one] = hooks.records("first")
    [two] = hooks.records("second")
    assert one["saw_other"] is True and two["saw_other"] is True


def test_identical_commands_run_once(anthropic_server, run_cli, hooks, project) -> None:
    (project / "a.txt").write_text("alpha")
    command = hooks.command("dup")
    hooks.write_settings({"PreToolUse": [group(command, "Read"), group(command, "*")]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    assert len(hooks.records("dup")) == 1


def test_output_is_capped(anthropic_server, run_cli, hooks, project) -> None:
    (project / "a.txt").write_text("alpha")
    hooks.write_settings({"PreToolUse": [group(
        hooks.command("loud", exit=2, stderr="x" * 50_000), "Read")]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    block = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert block["is_error"]
    longest = max(len(run) for run in block["content"].split(" ") if set(run) == {"x"})
    assert longest == cmdhooks.OUTPUT_CAP


def _managed(policy: str) -> None:
    managed = Path(os.environ["CORRAL_MANAGED_DIR"])
    managed.mkdir(parents=True, exist_ok=True)
    (managed / "managed.toml").write_text(policy)


def _managed_hook(command: str, locked: bool) -> str:
    lock = "[permissions]\nmanaged_hooks_only = true\n\n" if locked else ""
    return (lock + "[[hooks.PreToolUse]]\nmatcher = \"Read\"\n"
            f"hooks = [{{type = \"command\", command = {json.dumps(command)}}}]\n")


def test_managed_hooks_only_runs_only_managed_hooks(anthropic_server: MessagesServer, run_cli,
                                                    hooks: Hooks, project: Path) -> None:
    (project / "a.txt").write_text("alpha")
    _managed(_managed_hook(hooks.command("managed"), locked=True))
    hooks.write_settings({"PreToolUse": [group(hooks.command("project"), "Read")]})
    (project / ".claude" / "corral.toml").write_text(
        "[[hooks.PreToolUse]]\nmatcher = \"*\"\n"
        f"hooks = [{{type = \"command\", command = {json.dumps(hooks.command('toml'))}}}]\n")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    assert len(hooks.records("managed")) == 1
    assert hooks.records("project") == [] and hooks.records("toml") == []


def test_without_the_lock_every_layer_runs(anthropic_server, run_cli, hooks, project) -> None:
    (project / "a.txt").write_text("alpha")
    _managed(_managed_hook(hooks.command("managed"), locked=False))
    hooks.write_settings({"PreToolUse": [group(hooks.command("project"), "Read")]})
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    assert run_cli("-p", "read")[0] == 0
    assert len(hooks.records("managed")) == 1 and len(hooks.records("project")) == 1


def test_invalid_hook_entries_are_reported_and_skipped(anthropic_server, run_cli, hooks,
                                                       project) -> None:
    (project / "a.txt").write_text("alpha")
    hooks.write_settings({
        "PreToolUse": [
            {"matcher": "Read", "hooks": [{"type": "mcp_tool", "prompt": "is it fine?"}]},
            group(hooks.command("good"), "Read"),
        ],
        "PreToolUseTypo": [group(hooks.command("typo"))],
    })
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    code, _, err = run_cli("-p", "read")
    assert code == 0
    assert "hooks.PreToolUse[0].hooks[0]" in err and "settings.json" in err
    assert "hooks.PreToolUseTypo: unknown hook event" in err
    assert len(hooks.records("good")) == 1 and hooks.records("typo") == []


def test_user_prompt_submit_exit_2_stops_the_turn(anthropic_server, run_cli, hooks) -> None:
    hooks.write_settings({"UserPromptSubmit": [group(
        hooks.command("gate", exit=2, stderr="prompts may not name the secret project"))]})
    code, out, _ = run_cli("-p", "tell me about capybara", "--output-format", "json")
    assert code == 1
    result = result_of(out)
    assert result["is_error"] and "prompts may not name the secret project" in result["result"]
    assert anthropic_server.message_requests == []


def test_user_prompt_submit_json_block(anthropic_server, run_cli, hooks) -> None:
    hooks.write_settings({"UserPromptSubmit": [group(hooks.command(
        "gate", stdout={"decision": "block", "reason": "not during the freeze"}))]})
    code, out, _ = run_cli("-p", "deploy", "--output-format", "json")
    assert code == 1 and "not during the freeze" in result_of(out)["result"]
    assert anthropic_server.message_requests == []


def test_prompt_and_session_start_context_is_added(anthropic_server, run_cli, hooks) -> None:
    context = {"hookSpecificOutput": {"hookEventName": "UserPromptSubmit",
                                      "additionalContext": "the current sprint is 42"}}
    hooks.write_settings({
        "UserPromptSubmit": [group(hooks.command("ctx", stdout=context))],
        "SessionStart": [group(hooks.command("start", stdout="branch: main, 2 files changed"))],
    })
    anthropic_server.enqueue(text("ok"))
    assert run_cli("-p", "what sprint is it?")[0] == 0
    content = anthropic_server.message_requests[0].body["messages"][0]["content"]
    texts = [b["text"] for b in content]
    assert texts[0] == "what sprint is it?"
    assert "the current sprint is 42" in texts[-1] and "branch: main" in texts[-1]
    assert texts[-1].startswith("<hook-context>")


def test_stop_block_continues_with_the_reason_once(anthropic_server, run_cli, hooks,
                                                   tmp_path: Path) -> None:
    # blocks while stop_hook_active is false (first stop), lets the model stop the second time
    script = tmp_path / "stop_once.py"
    log = tmp_path / "stop.log"
    script.write_text(
        "import json, sys\n"
        "data = json.load(sys.stdin)\n"
        f"open({str(log)!r}, 'a').write(str(data['stop_hook_active']) + '\\n')\n"
        "if not data['stop_hook_active']:\n"
        "    print(json.dumps({'decision': 'block', 'reason': 'run the tests before you stop'}))\n"
    )
    hooks.write_settings({"Stop": [group(f"{sys.executable} {script}")]})
    anthropic_server.enqueue(text("done, I think"), text("tests pass; done"))
    code, out, _ = run_cli("-p", "fix it", "--output-format", "json")
    assert code == 0
    assert result_of(out)["result"] == "tests pass; done"
    assert log.read_text().split() == ["False", "True"]
    second = anthropic_server.message_requests[1].body["messages"]
    assert second[-1]["role"] == "user"
    assert second[-1]["content"][-1]["text"] == "run the tests before you stop"


def test_a_stop_hook_that_always_blocks_is_cut_off(anthropic_server, run_cli, hooks) -> None:
    hooks.write_settings({"Stop": [group(hooks.command(
        "stop", stdout={"decision": "block", "reason": "keep going"}))]})
    limit = cmdhooks.MAX_STOP_CONTINUATIONS
    anthropic_server.enqueue(*[text(f"reply {i}") for i in range(limit + 1)])
    code, out, _ = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0
    assert len(anthropic_server.message_requests) == limit + 1
    active = [r["stop_hook_active"] for r in hooks.records("stop")]
    assert active == [False] + [True] * limit
    assert any(n["level"] == "warning" and "sent the model back" in n["text"]
               for n in notices(out))
