"""End-to-end: ``corral -p`` through the real SDK against the scripted server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from corral.testing import (
    MessagesServer,
    cut_stream,
    message,
    overloaded,
    rate_limited,
    text,
    tool_block,
    tool_use,
)

from tests.cli.conftest import result_of


def tool_results(server: MessagesServer, index: int) -> list[dict]:
    return server.message_requests[index].body["messages"][-1]["content"]


def test_multi_turn_tool_session(anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    (project / "notes.txt").write_text("alpha\nbeta\n")
    anthropic_server.enqueue(
        tool_use("Read", {"file_path": "notes.txt"}),
        text("The file has two lines."),
    )
    code, out, err = run_cli("-p", "what is in notes.txt?", "--output-format", "json")
    assert code == 0, out + err
    result = result_of(out)
    assert result["type"] == "result" and result["subtype"] == "success"
    assert result["is_error"] is False and result["num_turns"] == 2
    assert result["result"] == "The file has two lines."
    assert result["total_cost_usd"] > 0
    assert result["usage"]["input_tokens"] > 0 and result["permission_denials"] == []
    [block] = tool_results(anthropic_server, 1)
    assert block["type"] == "tool_result" and "alpha" in block["content"]
    assert anthropic_server.message_requests[0].body["messages"][0]["content"][-1]["text"] == (
        "what is in notes.txt?"
    )


def test_parallel_reads_come_back_in_request_order(anthropic_server, run_cli, project: Path) -> None:
    for name in "abcde":
        (project / f"{name}.txt").write_text(f"content of {name}\n")
    blocks = [tool_block("Read", {"file_path": f"{n}.txt"}, id=f"toolu_{n}") for n in "abcde"]
    anthropic_server.enqueue(message(*blocks), text("read them all"))
    code, out, err = run_cli("-p", "read all", "--output-format", "json")
    assert code == 0, err
    results = tool_results(anthropic_server, 1)
    assert [r["tool_use_id"] for r in results] == [f"toolu_{n}" for n in "abcde"]
    assert all(f"content of {n}" in r["content"] for n, r in zip("abcde", results, strict=True))


def test_invalid_tool_input_is_fed_back(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(
        tool_use("Read", {"file_path": 42}),
        tool_use("NoSuchTool", {}),
        text("sorry"),
    )
    code, out, err = run_cli("-p", "go", "--output-format", "json")
    assert code == 0, err
    [bad] = tool_results(anthropic_server, 1)
    assert bad["is_error"] is True
    assert "Invalid input for Read" in bad["content"] and "file_path" in bad["content"]
    assert "Expected `str`, got `int`" in bad["content"]
    [unknown] = tool_results(anthropic_server, 2)
    assert unknown["is_error"] and "Unknown tool 'NoSuchTool'" in unknown["content"]


def test_retry_after_529_and_cut_stream_runs_the_tool_once(anthropic_server, run_cli, project) -> None:
    anthropic_server.enqueue(
        tool_use("Bash", {"command": "echo ran >> count.txt"}),
        overloaded(),
        cut_stream(after_events=3),
        rate_limited(retry_after=0),
        text("done"),
    )
    code, out, err = run_cli("-p", "count", "--output-format", "corral-events",
                             "--permission-mode", "bypassPermissions")
    assert code == 0, out + err
    assert (project / "count.txt").read_text() == "ran\n"
    assert len(anthropic_server.message_requests) == 5
    events = [json.loads(line) for line in out.strip().splitlines()]
    retries = [e for e in events if e.get("type") == "retry"]
    assert [r["attempt"] for r in retries] == [1, 2, 3]
    # the three retried requests are the same request: the tool result went in once
    bodies = [r.body["messages"] for r in anthropic_server.message_requests[1:]]
    assert all(b == bodies[0] for b in bodies)
    assert events[-1]["subtype"] == "success"


def test_retries_give_up_with_an_error_subtype(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(overloaded(), overloaded(), overloaded(), overloaded(), overloaded())
    code, out, err = run_cli("-p", "hi", "--output-format", "json")
    assert code == 1
    result = result_of(out)
    assert result["subtype"] == "error_during_execution" and result["is_error"]
    assert "after 3 retries" in result["result"]


def test_max_turns(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(tool_use("Glob", {"pattern": "*"}), tool_use("Glob", {"pattern": "*"}))
    code, out, _ = run_cli("-p", "loop", "--output-format", "json", "--max-turns", "1")
    assert code == 1
    assert result_of(out)["subtype"] == "error_max_turns"
    assert len(anthropic_server.message_requests) == 1


def test_max_budget(anthropic_server, run_cli) -> None:
    costly = tool_use("Glob", {"pattern": "*"}).with_usage(input_tokens=1_000_000)
    anthropic_server.enqueue(costly, text("never sent"))
    code, out, _ = run_cli("-p", "spend", "--output-format", "json", "--max-budget-usd", "0.5")
    assert code == 1
    result = result_of(out)
    assert result["subtype"] == "error_max_budget_usd"
    assert result["total_cost_usd"] >= 0.5


def test_unknown_model_price_is_null_with_one_warning(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(tool_use("Glob", {"pattern": "*"}), text("ok"))
    code, out, _ = run_cli("-p", "x", "--output-format", "corral-events", "--model", "local-llama")
    assert code == 0
    events = [json.loads(line) for line in out.strip().splitlines()]
    warnings = [e for e in events if e.get("type") == "error" and e["kind"] == "warning"]
    assert len(warnings) == 1 and "local-llama" in warnings[0]["error"]
    assert events[-1]["total_cost_usd"] is None


@pytest.mark.usefixtures("corral_no_sandbox")
def test_headless_ask_becomes_a_listed_denial(anthropic_server, run_cli, project) -> None:
    anthropic_server.enqueue(tool_use("Bash", {"command": "rm notes.txt"}), text("could not"))
    (project / "notes.txt").write_text("keep me")
    code, out, _ = run_cli("-p", "delete it", "--output-format", "json")
    assert code == 0
    result = result_of(out)
    [denial] = result["permission_denials"]
    assert denial["tool_name"] == "Bash" and denial["tool_input"] == {"command": "rm notes.txt"}
    assert (project / "notes.txt").exists()
    [block] = tool_results(anthropic_server, 1)
    assert block["is_error"] and "denied" in block["content"]


def test_prompt_from_stdin_and_text_output(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("It is a stack trace."))
    code, out, _ = run_cli("-p", "explain", stdin="Traceback: boom\n")
    assert code == 0 and out == "It is a stack trace.\n"
    sent = anthropic_server.message_requests[0].body["messages"][0]["content"][-1]["text"]
    assert sent == "explain\n\nTraceback: boom\n"


def test_stream_json_input(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("one"), text("two"))
    lines = "\n".join(json.dumps({"type": "user", "message": {"role": "user", "content": c}})
                      for c in ("first", "second"))
    code, out, err = run_cli("-p", "--input-format", "stream-json", "--output-format", "json",
                             stdin=lines)
    assert code == 0, err
    assert result_of(out)["result"] == "two"
    second = anthropic_server.message_requests[1].body["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "user"]


def test_cache_prefix_is_byte_identical_between_requests(anthropic_server, run_cli, project) -> None:
    (project / "a.txt").write_text("a")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("done"))
    code, _, err = run_cli("-p", "read a", "--output-format", "json")
    assert code == 0, err
    first, second = (r.body for r in anthropic_server.message_requests)

    def prefix(body: dict) -> bytes:
        system = body["system"]
        marked = [i for i, b in enumerate(system) if "cache_control" in b]
        return json.dumps([body["tools"], system[: marked[1] + 1]], sort_keys=True).encode()

    assert prefix(first) == prefix(second)
    breakpoints = json.dumps(second).count('"cache_control"')
    assert 2 <= breakpoints <= 4
    last_user = second["messages"][-1]["content"][-1]
    assert last_user["cache_control"] == {"type": "ephemeral"}
    # history carries no stale breakpoint: only the newest user message is marked
    assert "cache_control" not in json.dumps(second["messages"][:-1])


def test_attribution_trailer_is_asked_for_unless_cleared(anthropic_server, run_cli) -> None:
    anthropic_server.enqueue(text("ok"), text("ok"))
    run_cli("-p", "commit it", "--set", 'attribution="Co-Authored-By: Bot <b@x.invalid>"')
    system = json.dumps(anthropic_server.message_requests[0].body["system"])
    assert "Co-Authored-By: Bot <b@x.invalid>" in system
    run_cli("-p", "commit it", "--set", 'attribution=""')
    assert "Co-Authored-By" not in json.dumps(anthropic_server.message_requests[1].body["system"])


def test_headless_takes_follow_ups_from_corral_idle(anthropic_server, project, monkeypatch, capsys) -> None:
    """Work still in flight when the model stops (a sub-agent finishing) comes back as
    follow-up turns before a headless run ends."""
    import io
    import sys

    from corral import hookimpl
    from corral.app import App
    from corral.cli._parser import build_parser
    from corral.cli.headless import run_headless

    pending = ["worker w1 finished: 3 tests fixed", "worker w2 finished: docs updated"]

    class Workers:
        __name__ = "workers"

        @hookimpl
        def corral_idle(self, session: object) -> tuple[str, str] | None:
            return ("tick", pending.pop(0)) if pending else None

    anthropic_server.enqueue(text("started the workers"), text("noted w1"), text("all done"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     extra_plugins={"workers": Workers()})
    args = build_parser([]).parse_args(["-p", "fix everything", "--output-format", "json"])
    code = asyncio.run(run_headless(args, app))
    assert code == 0
    assert result_of(capsys.readouterr().out)["result"] == "all done"
    last = anthropic_server.message_requests[2].body["messages"][-1]["content"]
    assert "worker w2 finished" in json.dumps(last)


def test_no_credentials_is_a_clear_error(run_cli, monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    code, out, err = run_cli("-p", "hi")
    assert code == 1
    assert err.startswith("no model credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN")
    assert "Traceback" not in err
