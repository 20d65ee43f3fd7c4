"""``--output-format stream-json``: Claude Code's stream message shapes, line by line."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
from corral.testing import MessagesServer, message, text, tool_block


def lines_of(out: str) -> list[dict]:
    return [json.loads(line) for line in out.strip().splitlines()]


def test_tool_session_in_claude_code_shapes(anthropic_server: MessagesServer, run_cli,
                                            project: Path) -> None:
    (project / "notes.txt").write_text("alpha\nbeta\n")
    anthropic_server.enqueue(
        msgspec.structs.replace(
            message(tool_block("Read", {"file_path": "notes.txt"}, id="toolu_read1")),
            id="msg_from_the_endpoint_1"),
        text("The file has two lines."),
    )
    code, out, err = run_cli("-p", "what is in notes.txt?", "--output-format", "stream-json")
    assert code == 0, out + err
    init, first, results, second, result = lines_of(out)

    assert init["type"] == "system" and init["subtype"] == "init"
    assert init["cwd"] == str(project.resolve()) and init["session_id"]
    assert "Read" in init["tools"] and init["model"]
    assert isinstance(init["permissionMode"], str)
    assert init["mcp_servers"] == [] and isinstance(init["slash_commands"], list)
    assert "apiKeySource" in init
    session_id = init["session_id"]

    assert first["type"] == "assistant" and first["parent_tool_use_id"] is None
    assert first["session_id"] == session_id
    msg = first["message"]
    assert msg["type"] == "message" and msg["role"] == "assistant"
    assert msg["id"] == "msg_from_the_endpoint_1"  # the API's own id, from message_start
    assert msg["model"] and msg["stop_reason"] == "tool_use"
    assert msg["usage"]["input_tokens"] > 0 and "output_tokens" in msg["usage"]
    [use] = [b for b in msg["content"] if b["type"] == "tool_use"]
    assert use["id"] == "toolu_read1" and use["name"] == "Read"
    assert use["input"] == {"file_path": "notes.txt"}

    assert results["type"] == "user" and results["parent_tool_use_id"] is None
    assert results["session_id"] == session_id
    assert results["message"]["role"] == "user"
    [block] = results["message"]["content"]
    assert block["type"] == "tool_result" and block["tool_use_id"] == "toolu_read1"
    assert block["is_error"] is False and "alpha" in json.dumps(block["content"])

    assert second["type"] == "assistant" and second["message"]["id"].startswith("msg_")
    assert second["message"]["id"] != msg["id"]
    assert second["message"]["content"] == [{"type": "text", "text": "The file has two lines."}]
    assert second["message"]["stop_reason"] == "end_turn"

    assert result["type"] == "result" and result["subtype"] == "success"
    assert result["is_error"] is False and result["session_id"] == session_id
    assert result["num_turns"] == 2 and result["result"] == "The file has two lines."
    assert result["total_cost_usd"] > 0 and result["usage"]["input_tokens"] > 0
    assert result["permission_denials"] == []
    assert result["duration_ms"] >= result["duration_api_ms"] > 0


def test_result_line_matches_the_json_output(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("hi"), text("hi"))
    _, streamed, _ = run_cli("-p", "x", "--output-format", "stream-json")
    _, single, _ = run_cli("-p", "x", "--output-format", "json")
    last = lines_of(streamed)[-1]
    one = json.loads(single)
    assert set(last) - set(one) == {"duration_api_ms"}
    for key in ("type", "subtype", "is_error", "num_turns", "result", "usage",
                "total_cost_usd", "permission_denials"):
        assert last[key] == one[key], key


def test_error_result_is_last(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(message(tool_block("Glob", {"pattern": "*"})),
                             message(tool_block("Glob", {"pattern": "*"})))
    code, out, _ = run_cli("-p", "loop", "--output-format", "stream-json", "--max-turns", "1")
    assert code == 1
    lines = lines_of(out)
    assert lines[0]["subtype"] == "init"
    assert [line["type"] for line in lines] == ["system", "assistant", "user", "result"]
    assert lines[-1]["subtype"] == "error_max_turns" and lines[-1]["is_error"] is True


def test_stream_json_in_and_out(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("one"), text("two"))
    stdin = "\n".join(json.dumps({"type": "user", "message": {"role": "user", "content": c}})
                      for c in ("first", "second"))
    code, out, err = run_cli("-p", "--input-format", "stream-json",
                             "--output-format", "stream-json", stdin=stdin)
    assert code == 0, err
    lines = lines_of(out)
    assert [line["type"] for line in lines] == ["system", "assistant", "assistant", "result"]
    assert lines[-1]["result"] == "two" and lines[-1]["num_turns"] == 2


def test_the_init_line_names_the_mcp_servers_whose_tools_are_there(
        anthropic_server: MessagesServer, project: Path, monkeypatch, capsys) -> None:
    import asyncio
    import io
    import sys

    from corral import hookimpl
    from corral.app import App
    from corral.cli._parser import build_parser
    from corral.cli.headless import run_headless
    from corral.tools.base import Tool, ToolResult

    class Echo(msgspec.Struct):
        text: str = ""

    def tool(tool_name: str) -> Tool:
        class Served(Tool):
            name = tool_name
            description = "a served tool"
            input_type = Echo

            async def run(self, session: object, params: Echo) -> ToolResult:
                return ToolResult(content=params.text)

        return Served()

    class Servers:
        __name__ = "servers"

        @hookimpl
        def corral_register_tools(self, register) -> None:
            for name in ("mcp__github__get_issue", "mcp__github__list_prs", "mcp__memory__read"):
                register(tool(name))

    anthropic_server.enqueue(text("ok"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     extra_plugins={"servers": Servers()})
    args = build_parser([]).parse_args(["-p", "hi", "--output-format", "stream-json"])
    assert asyncio.run(run_headless(args, app)) == 0
    init = lines_of(capsys.readouterr().out)[0]
    assert init["mcp_servers"] == [{"name": "github", "status": "connected"},
                                   {"name": "memory", "status": "connected"}]
