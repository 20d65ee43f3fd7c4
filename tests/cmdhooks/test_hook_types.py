"""Hook types beyond commands (http, prompt, agent) and the entry fields async and once,
and CLAUDE_ENV_FILE."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral.testing import text, tool_use

from tests.cmdhooks.conftest import Hooks, events_of, group


class _Endpoint(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
        owner: Receiver = self.server.owner  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        owner.received.append({"body": json.loads(body), "headers": dict(self.headers)})
        status, reply = owner.answers.pop(0) if owner.answers else (200, "")
        data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


class Receiver:
    """A loopback HTTP endpoint that records what hooks POST and answers from a script."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[tuple[int, Any]] = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
        self.server.owner = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()
    thread.join(5)


def decisions(out: str) -> list[dict[str, Any]]:
    return [e for e in events_of(out) if e.get("type") == "permission_decided"]


def test_an_http_hook_gets_the_event_and_its_answer_decides(
        anthropic_server, run_cli, hooks: Hooks, project: Path, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "t0ken")
    monkeypatch.setenv("OTHER_SECRET", "must-not-leave")
    deny = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny",
                                   "permissionDecisionReason": "the endpoint says no"}}
    receiver.answers = [(200, deny), (500, "down for maintenance")]
    entry = {"type": "http", "url": receiver.url, "allowedEnvVars": ["HOOK_TOKEN"],
             "headers": {"Authorization": "Bearer $HOOK_TOKEN", "X-Other": "${OTHER_SECRET}"}}
    hooks.write_settings({"PreToolUse": [{"matcher": "Bash|Read", "hooks": [entry]}]},
                         permissions={"allow": ["Bash(touch *)", "Read"]})
    (project / "a.txt").write_text("alpha")
    anthropic_server.enqueue(tool_use("Bash", {"command": "touch made.txt"}),
                             tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0, out + err
    assert not (project / "made.txt").exists()
    bash, read = decisions(out)
    assert bash["decision"] == "deny" and "the endpoint says no" in bash["reason"]
    # a 500 is a reported error that blocks nothing
    assert read["decision"] == "allow"
    assert any("HTTP 500" in e.get("text", "") for e in events_of(out) if e["type"] == "notice")
    first = receiver.received[0]
    assert first["body"]["hook_event_name"] == "PreToolUse"
    assert first["body"]["tool_input"] == {"command": "touch made.txt"}
    headers = {k.lower(): v for k, v in first["headers"].items()}
    assert headers["authorization"] == "Bearer t0ken"
    assert headers["x-other"] == ""  # not listed in allowedEnvVars


def test_a_prompt_hook_asks_the_model_and_ok_false_denies(
        anthropic_server, run_cli, hooks: Hooks, project: Path) -> None:
    entry = {"type": "prompt", "prompt": "Refuse any command that creates files: $ARGUMENTS"}
    hooks.write_settings({"PreToolUse": [{"matcher": "Bash", "hooks": [entry]}]},
                         permissions={"allow": ["Bash(touch *)"]})
    anthropic_server.enqueue(
        tool_use("Bash", {"command": "touch made.txt"}),
        text('{"ok": false, "reason": "creating files is not allowed here"}'),
        text("understood"))
    code, out, err = run_cli("-p", "go", "--output-format", "corral-events")
    assert code == 0, out + err
    assert not (project / "made.txt").exists()
    [bash] = decisions(out)
    assert bash["decision"] == "deny"
    assert "creating files is not allowed here" in bash["reason"]
    asked = anthropic_server.message_requests[1].body
    assert "tools" not in asked and "ok" in json.dumps(asked["system"])
    [question] = asked["messages"]
    assert question["content"].startswith("Refuse any command that creates files: {")
    assert '"touch made.txt"' in question["content"]
    # the model's reason reaches the main conversation as the tool's refusal
    last = json.dumps(anthropic_server.message_requests[2].body["messages"][-1])
    assert "creating files is not allowed here" in last


def test_an_agent_hook_reads_the_project_before_its_verdict(
        anthropic_server, run_cli, hooks: Hooks, project: Path) -> None:
    (project / "TODO.md").write_text("- write the tests\n")
    entry = {"type": "agent", "prompt": "Check TODO.md is done before stopping. $ARGUMENTS"}
    hooks.write_settings({"Stop": [{"hooks": [entry]}]})
    anthropic_server.enqueue(
        text("all finished"),                                   # the main agent stops
        tool_use("Read", {"file_path": str(project / "TODO.md")}),  # the hook's agent reads
        text('{"ok": false, "reason": "TODO.md still lists the tests"}'),
        text("now the tests are written"),                      # sent back to work
        text('{"ok": true}'))                                   # the agent lets it stop
    code, out, err = run_cli("-p", "do the work", "--output-format", "json")
    assert code == 0, out + err
    assert json.loads(out)["result"] == "now the tests are written"
    requests = anthropic_server.message_requests
    agent_tools = sorted(t["name"] for t in requests[1].body["tools"])
    assert set(agent_tools) <= {"Read", "Grep", "Glob"} and "Read" in agent_tools
    assert "write the tests" in json.dumps(requests[2].body["messages"][-1])
    assert "TODO.md still lists the tests" in json.dumps(requests[3].body["messages"][-1])


def test_async_hooks_do_not_block_and_once_hooks_run_once(
        anthropic_server, run_cli, hooks: Hooks, project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "stop-ran"
    background = {"type": "command", "async": True,
                  "command": hooks.command("post", wait_for=str(marker))}
    once = {"type": "command", "once": True, "command": hooks.command("first")}
    hooks.write_settings({"PostToolUse": [{"matcher": "Read", "hooks": [background]}],
                          "PreToolUse": [{"matcher": "Read", "hooks": [once]}],
                          "Stop": [group(hooks.command("stop", mark=str(marker)))]},
                         permissions={"allow": ["Read"]})
    (project / "a.txt").write_text("alpha")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}),
                             tool_use("Read", {"file_path": "a.txt"}), text("ok"))
    code, out, err = run_cli("-p", "go")
    assert code == 0, out + err
    # the PostToolUse hooks were still waiting when the turn reached Stop: they did not block
    posts = hooks.records("post")
    assert len(posts) == 2 and all(p["saw_other"] for p in posts)
    assert len(hooks.records("first")) == 1


def test_claude_env_file_exports_reach_later_shell_commands(
        anthropic_server, run_cli, hooks: Hooks, project: Path) -> None:
    writer = ("echo 'export CORRAL_FROM_HOOK=\"set by a hook\"' >> \"$CLAUDE_ENV_FILE\"; "
              "echo 'export PATH=\"$PATH:/opt/hook-tools\"' >> \"$CLAUDE_ENV_FILE\"")
    hooks.write_settings({"SessionStart": [group(writer)]})
    anthropic_server.enqueue(
        tool_use("Bash", {"command": 'echo "[$CORRAL_FROM_HOOK]"; echo "$PATH"'}), text("ok"))
    code, out, err = run_cli("-p", "go", "--permission-mode", "bypassPermissions")
    assert code == 0, out + err
    result = json.dumps(anthropic_server.message_requests[1].body["messages"][-1])
    assert "[set by a hook]" in result and ":/opt/hook-tools" in result


def test_setup_hooks_fire_for_init_only_and_maintenance(
        anthropic_server, run_cli, hooks: Hooks, project: Path) -> None:
    exporter = "echo 'export CORRAL_SETUP_DONE=yes' >> \"$CLAUDE_ENV_FILE\""
    hooks.write_settings({"Setup": [group(hooks.command("init"), "init"),
                                    group(hooks.command("maint"), "maintenance", None, exporter)],
                          "SessionStart": [group(hooks.command("start"))]})
    code, out, err = run_cli("--init-only")
    assert code == 0, out + err
    [init] = hooks.records("init")
    assert init["hook_event_name"] == "Setup" and init["trigger"] == "init"
    assert hooks.records("maint") == [] and hooks.records("start") == []
    assert anthropic_server.message_requests == []  # no session ran
    anthropic_server.enqueue(tool_use("Bash", {"command": 'echo "[$CORRAL_SETUP_DONE]"'}),
                             text("ok"))
    code, out, err = run_cli("-p", "go", "--maintenance",
                             "--permission-mode", "bypassPermissions")
    assert code == 0, out + err
    [maint] = hooks.records("maint")
    assert maint["trigger"] == "maintenance" and len(hooks.records("init")) == 1
    assert len(hooks.records("start")) == 1  # the session itself still starts
    assert "[yes]" in json.dumps(anthropic_server.message_requests[1].body["messages"][-1])
