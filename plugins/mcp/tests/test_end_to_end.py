"""End to end: ``corral -p`` with a scripted model that calls MCP tools on real servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corral.testing import MessagesServer, text, tool_use

from .conftest import RunCorral, approve, stdio_entry, write_mcp_json


def _result(out: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return data


def _tool_result(server: MessagesServer, index: int) -> dict[str, Any]:
    block: dict[str, Any] = server.message_requests[index].body["messages"][-1]["content"][0]
    return block


def test_stdio_and_http_tools_run_under_allow_rules(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral, http_server: str
) -> None:
    write_mcp_json(project, {"demo": stdio_entry(), "web": {"type": "http", "url": http_server}})
    approve(project, "demo", "web")
    anthropic_server.enqueue(
        tool_use("mcp__demo__add", {"a": 2, "b": 3}),
        tool_use("mcp__web__shout", {"text": "hi there"}),
        text("done"),
    )
    code, out, err = run_corral("-p", "add", "--output-format", "json",
                                "--allowedTools", "mcp__demo,mcp__web__shout")
    assert code == 0, err
    tools = {t["name"]: t for t in anthropic_server.message_requests[0].body["tools"]}
    assert tools["mcp__demo__add"]["input_schema"]["required"] == ["a", "b"]
    assert tools["mcp__demo__add"]["description"] == "Add two integers."
    assert "mcp__web__shout" in tools and "ListMcpResourcesTool" in tools
    first = _tool_result(anthropic_server, 1)
    assert first["content"] == "2 + 3 = 5 (from demo)" and "is_error" not in first
    second = _tool_result(anthropic_server, 2)
    assert second["content"] == "HI THERE"
    assert _result(out)["permission_denials"] == []


def test_an_unruled_mcp_tool_is_denied_headless(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"demo": stdio_entry()})
    approve(project, "demo")
    anthropic_server.enqueue(tool_use("mcp__demo__shout", {"text": "x"}), text("ok"))
    code, out, err = run_corral("-p", "go", "--output-format", "json",
                                "--allowedTools", "mcp__demo__add")
    denials = _result(out)["permission_denials"]
    assert [d["tool_name"] for d in denials] == ["mcp__demo__shout"]
    block = _tool_result(anthropic_server, 1)
    assert block["is_error"] is True and "denied" in block["content"]


def test_an_unapproved_project_server_does_not_start(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral, home: Path
) -> None:
    marker = project / "started"
    entry = {"command": "sh", "args": ["-c", f"touch {marker}; sleep 5"]}
    write_mcp_json(project, {"stranger": entry})
    anthropic_server.enqueue(text("hello"))
    code, out, err = run_corral("-p", "hi", "--output-format", "json")
    assert code == 0
    assert not marker.exists()
    assert "'stranger'" in err and "not approved" in err
    names = [t["name"] for t in anthropic_server.message_requests[0].body.get("tools", [])]
    assert not any(n.startswith("mcp__") for n in names)


def test_a_crashing_server_leaves_the_session_working(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"demo": stdio_entry()})
    approve(project, "demo")
    anthropic_server.enqueue(
        tool_use("mcp__demo__die", {}),
        tool_use("mcp__demo__add", {"a": 1, "b": 1}),
        tool_use("Glob", {"pattern": "*.json"}),
        text("still here"),
    )
    code, out, err = run_corral("-p", "go", "--output-format", "json",
                                "--allowedTools", "mcp__demo,Glob")
    assert code == 0, err
    assert _result(out)["result"] == "still here"
    crashed = _tool_result(anthropic_server, 1)
    assert crashed["is_error"] is True and "'demo' is failed" in crashed["content"]
    assert "dying on request" in crashed["content"]  # the last lines of its stderr
    after = _tool_result(anthropic_server, 2)
    assert after["is_error"] is True  # its tools are gone from the list
    names = [t["name"] for t in anthropic_server.message_requests[2].body["tools"]]
    assert "mcp__demo__add" not in names and "Glob" in names
    glob = _tool_result(anthropic_server, 3)
    assert ".mcp.json" in glob["content"]


def test_a_server_that_fails_to_start_is_reported_and_others_work(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"demo": stdio_entry(), "bad": stdio_entry("bad", DEMO_FAIL_START="1")})
    approve(project, "demo", "bad")
    anthropic_server.enqueue(tool_use("mcp__demo__add", {"a": 4, "b": 4}), text("ok"))
    code, out, err = run_corral("-p", "go", "--output-format", "json",
                                "--allowedTools", "mcp__demo")
    assert code == 0
    assert "'bad' failed" in err and "refusing to start" in err
    assert _tool_result(anthropic_server, 1)["content"] == "4 + 4 = 8 (from demo)"


def test_stream_json_init_lists_each_started_server_with_its_status(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"demo": stdio_entry(), "bad": stdio_entry("bad", DEMO_FAIL_START="1"),
                             "stranger": stdio_entry("stranger")})
    approve(project, "demo", "bad")  # "stranger" is never approved: it does not start
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_corral("-p", "go", "--output-format", "stream-json")
    assert code == 0, err
    init = json.loads(out.splitlines()[0])
    assert init["subtype"] == "init"
    status = {s["name"]: s["status"] for s in init["mcp_servers"]}
    assert set(status) == {"demo", "bad"}, init["mcp_servers"]
    assert status["demo"] in ("pending", "connected")
    assert status["bad"] in ("pending", "failed")


def test_mcp_config_flags_add_servers_and_strict_leaves_out_the_rest(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral, tmp_path: Path
) -> None:
    write_mcp_json(project, {"demo": stdio_entry()})
    approve(project, "demo")
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"mcpServers": {"side": stdio_entry("side")}}), "utf-8")
    inline = json.dumps({"mcpServers": {"third": stdio_entry("third")}})
    anthropic_server.enqueue(tool_use("mcp__side__add", {"a": 1, "b": 2}), text("ok"))
    code, out, err = run_corral("--mcp-config", str(extra), inline, "--strict-mcp-config",
                                "-p", "go", "--output-format", "json",
                                "--allowedTools", "mcp__side")
    assert code == 0, err
    names = {t["name"] for t in anthropic_server.message_requests[0].body["tools"]}
    assert {"mcp__side__add", "mcp__third__add"} <= names
    assert not any(n.startswith("mcp__demo__") for n in names)
    assert _tool_result(anthropic_server, 1)["content"] == "1 + 2 = 3 (from side)"


def test_a_resource_mention_is_attached_to_the_message(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"demo": stdio_entry()})
    approve(project, "demo")
    anthropic_server.enqueue(text("read it"))
    code, out, err = run_corral("-p", "summarize @demo:note://hello and @nobody:x://y",
                                "--output-format", "json")
    assert code == 0, err
    sent = json.dumps(anthropic_server.message_requests[0].body["messages"][-1]["content"])
    assert '<mcp-resource server=\\"demo\\" uri=\\"note://hello\\">' in sent
    assert "hello from the demo notes" in sent
    assert sent.count("<mcp-resource") == 1  # @nobody names no server: left as written


def test_a_server_prompt_runs_as_the_prompt_of_a_headless_run(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    """``corral -p "/mcp__server__prompt args"`` sends the server's prompt, waiting for that
    server even when the first request waits for none."""
    import os

    config = Path(os.environ["CORRAL_HOME"]) / "config" / "config.toml"
    config.write_text("[plugins.mcp]\nfirst_request_wait_s = 0\n", encoding="utf-8")
    write_mcp_json(project, {"demo": stdio_entry()})
    approve(project, "demo")
    anthropic_server.enqueue(text("reviewed"))
    code, out, err = run_corral("-p", "/mcp__demo__review the parser", "--output-format",
                                "json")
    assert code == 0, err
    assert _result(out)["result"] == "reviewed"
    sent = anthropic_server.message_requests[0].body["messages"][-1]["content"]
    assert "Please review the parser carefully." in json.dumps(sent)

    requests = len(anthropic_server.message_requests)
    code, out, err = run_corral("-p", "/mcp__demo__review", "--output-format", "json")
    assert code == 1
    assert "missing argument(s) topic" in _result(out)["result"]
    assert len(anthropic_server.message_requests) == requests  # nothing was asked
