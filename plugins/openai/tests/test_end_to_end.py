"""End-to-end: ``corral -p`` with ``[api] provider = "openai"`` against a real HTTP server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corral.testing import (
    OpenAIServer,
    Usage,
    context_length_exceeded,
    cut_stream,
    message,
    rate_limited,
    text,
    thinking_block,
    tool_block,
    tool_use,
)


def result_of(out: str) -> dict[str, Any]:
    return json.loads(out.strip().splitlines()[-1])


PRICES = '[models]\nprices = { "corral-test-model" = { input = 2.0, output = 8.0, cache_read = 0.5 } }\n'


def test_read_edit_bash_session_lands_edits_with_usage_and_cost(
    openai_server: OpenAIServer, run_cli, project: Path
) -> None:
    (project / "app.py").write_text("GREETING = 'hello'\n")
    openai_server.enqueue(
        message(thinking_block("look first"), tool_block("Read", {"file_path": "app.py"})),
        tool_use(
            "Edit",
            {"file_path": "app.py", "old_string": "'hello'", "new_string": "'howdy'"},
            preamble="Changing the greeting.",
        ),
        tool_use("Bash", {"command": "python -c \"import app; print(app.GREETING)\""}),
        text("Done: the greeting is now howdy.", usage=Usage(
            input_tokens=100, output_tokens=10, cache_read_input_tokens=400)),
    )
    code, out, err = run_cli(
        "-p", "change the greeting", "--output-format", "json",
        "--permission-mode", "bypassPermissions",
        server=openai_server, config=PRICES,
    )
    assert code == 0, out + err
    result = result_of(out)
    assert result["subtype"] == "success" and result["num_turns"] == 4
    assert result["result"] == "Done: the greeting is now howdy."
    assert (project / "app.py").read_text() == "GREETING = 'howdy'\n"
    requests = openai_server.chat_requests
    assert len(requests) == 4 and all(r.stream for r in requests)
    # the Bash output came back to the model as a tool message answering the call's id
    last = requests[3].body["messages"]
    call = requests[3].body["messages"][-2]["tool_calls"][0]
    assert last[-1]["role"] == "tool" and last[-1]["tool_call_id"] == call["id"]
    assert "howdy" in last[-1]["content"]
    # cached prompt tokens are counted as cache reads, priced apart
    assert result["usage"]["cache_read_input_tokens"] == 400
    assert result["usage"]["input_tokens"] >= 100
    assert result["total_cost_usd"] > 0
    assert requests[0].body["stream_options"] == {"include_usage": True}
    assert requests[0].body["messages"][0]["role"] == "system"
    assert {t["function"]["name"] for t in requests[0].body["tools"]} >= {"Read", "Edit", "Bash"}


def test_retry_after_429_and_a_dropped_stream(openai_server: OpenAIServer, run_cli, project) -> None:
    openai_server.enqueue(
        rate_limited(retry_after=0),
        cut_stream(after_events=3, reply=tool_use("Bash", {"command": "echo ran >> count.txt"})),
        tool_use("Bash", {"command": "echo ran >> count.txt"}),
        text("ok"),
    )
    code, out, err = run_cli(
        "-p", "go", "--output-format", "json", "--permission-mode", "bypassPermissions",
        server=openai_server,
    )
    assert code == 0, out + err
    assert result_of(out)["result"] == "ok"
    assert (project / "count.txt").read_text() == "ran\n"  # the cut reply's call never ran
    assert [r.status for r in openai_server.chat_requests] == [429, 200, 200, 200]


def test_context_length_error_compacts_then_answers(openai_server: OpenAIServer, run_cli) -> None:
    openai_server.enqueue(
        text("first answer"),
        context_length_exceeded(),
        text("SUMMARY: the user asked one thing"),
        text("second answer"),
    )
    code, out, err = run_cli("-p", "one", "--output-format", "json", server=openai_server)
    assert code == 0, out + err
    code, out, err = run_cli("-c", "-p", "two", "--output-format", "json", server=openai_server)
    assert code == 0, out + err
    assert result_of(out)["result"] == "second answer"
    overflowed, summary, retried = openai_server.chat_requests[1:]
    assert overflowed.status == 400
    assert "Write a summary" in str(summary.body["messages"][-1]["content"])
    assert summary.body["tools"] and summary.body["tool_choice"] == "none"
    texts = [m["content"] for m in retried.body["messages"] if m["role"] == "user"]
    assert any("SUMMARY: the user asked one thing" in t for t in texts)
    assert not any("first answer" in str(m.get("content")) for m in retried.body["messages"])


def test_no_tool_calling_is_a_clear_error(run_cli) -> None:
    with OpenAIServer(text("never sent"), tools_supported=False) as server:
        code, out, err = run_cli("-p", "hi", server=server)
    assert code != 0
    assert "cannot call tools" in out + err and "corral needs tool calling" in out + err


def test_wrong_key_names_the_variable(run_cli, monkeypatch) -> None:
    monkeypatch.setenv("MY_KEY", "wrong")
    with OpenAIServer(text("never sent"), api_key="right") as server:
        code, out, err = run_cli("-p", "hi", server=server, config='api_key_env = "MY_KEY"\n')
    assert code != 0
    assert "refused the request (401" in out + err and "MY_KEY" in out + err
    assert len(server.chat_requests) == 1  # not retried


def test_responses_api_style(openai_server: OpenAIServer, run_cli, project: Path) -> None:
    (project / "a.txt").write_text("alpha\n")
    openai_server.enqueue(tool_use("Read", {"file_path": "a.txt"}), text("it says alpha"))
    code, out, err = run_cli(
        "-p", "read a.txt", "--output-format", "json", server=openai_server,
        config='[plugins.openai]\napi_style = "responses"\n',
    )
    assert code == 0, out + err
    assert result_of(out)["result"] == "it says alpha"
    first, second = openai_server.response_requests
    assert first.body["instructions"] and first.body["tools"][0]["type"] == "function"
    output = second.body["input"][-1]
    assert output["type"] == "function_call_output" and "alpha" in output["output"]
    assert second.body["input"][-2]["type"] == "function_call"
    assert output["call_id"] == second.body["input"][-2]["call_id"]
