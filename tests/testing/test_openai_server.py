"""The scripted OpenAI-format server, read with plain httpx over loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from corral.testing import (
    OpenAIServer,
    Usage,
    context_length_exceeded,
    cut_stream,
    message,
    model_not_found,
    rate_limited,
    text,
    text_block,
    thinking_block,
    tool_block,
)

CHAT = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def chunks(response: httpx.Response) -> list[Any]:
    out = []
    for line in response.text.splitlines():
        if line.startswith("data: "):
            payload = line[6:]
            out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out


def test_streamed_chat_completion() -> None:
    reply = message(
        thinking_block("ponder"), text_block("hello"),
        tool_block("Read", {"file_path": "a"}), tool_block("Grep", {"pattern": "x"}),
        usage=Usage(input_tokens=10, output_tokens=4, cache_read_input_tokens=6),
    )
    with OpenAIServer(reply) as server, httpx.Client() as client:
        body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
        response = client.post(f"{server.base_url}/chat/completions", json=body)
    assert response.headers["content-type"].startswith("text/event-stream")
    got = chunks(response)
    assert got[-1] == "[DONE]"
    usage = got[-2]["usage"]
    assert got[-2]["choices"] == [] and usage["prompt_tokens"] == 16
    assert usage["prompt_tokens_details"]["cached_tokens"] == 6 and usage["completion_tokens"] == 4
    deltas = [c["choices"][0]["delta"] for c in got[:-2]]
    assert "".join(d.get("reasoning_content", "") for d in deltas) == "ponder"
    assert "".join(d.get("content") or "" for d in deltas) == "hello"
    calls = [tc for d in deltas for tc in d.get("tool_calls", [])]
    heads = [tc for tc in calls if "id" in tc]
    assert [h["function"]["name"] for h in heads] == ["Read", "Grep"]
    assert [h["index"] for h in heads] == [0, 1]
    args = {i: "".join(tc["function"]["arguments"] for tc in calls if tc["index"] == i) for i in (0, 1)}
    assert json.loads(args[0]) == {"file_path": "a"} and json.loads(args[1]) == {"pattern": "x"}
    assert len([tc for tc in calls if tc["index"] == 0]) > 2  # arguments came in fragments
    assert got[-3]["choices"][0]["finish_reason"] == "tool_calls"


def test_non_streamed_completion_and_no_usage_chunk_unless_asked() -> None:
    with OpenAIServer(text("plain"), text("streamed")) as server, httpx.Client() as client:
        whole = client.post(f"{server.base_url}/chat/completions", json=CHAT).json()
        streamed = chunks(client.post(f"{server.base_url}/chat/completions",
                                      json={**CHAT, "stream": True}))
    assert whole["object"] == "chat.completion"
    assert whole["choices"][0]["message"] == {"role": "assistant", "content": "plain"}
    assert whole["choices"][0]["finish_reason"] == "stop" and whole["usage"]["completion_tokens"] >= 1
    assert all(c == "[DONE]" or c["choices"] for c in streamed)


def test_errors_in_openai_shape_with_retry_after() -> None:
    script = [rate_limited(retry_after=3), context_length_exceeded(), model_not_found("zz")]
    with OpenAIServer(*script) as server, httpx.Client() as client:
        answers = [client.post(f"{server.base_url}/chat/completions", json=CHAT) for _ in script]
        missing = client.post(f"{server.base_url}/chat/completions", json={"model": "m"})
    limited, long, unknown = answers
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert long.status_code == 400 and long.json()["error"]["code"] == "context_length_exceeded"
    assert unknown.status_code == 404 and "`zz`" in unknown.json()["error"]["message"]
    assert missing.status_code == 400 and "'messages'" in missing.json()["error"]["message"]


def test_key_check_tools_refusal_and_models_listing() -> None:
    with OpenAIServer(text("x"), api_key="k", tools_supported=False) as server, httpx.Client() as client:
        url = f"{server.base_url}/chat/completions"
        assert client.post(url, json=CHAT).status_code == 401
        headers = {"authorization": "Bearer k"}
        refused = client.post(url, json={**CHAT, "tools": [{"type": "function"}]}, headers=headers)
        assert refused.status_code == 400 and "does not support tools" in refused.text
        assert client.post(url, json=CHAT, headers=headers).json()["choices"][0]["message"]["content"] == "x"
        models = client.get(f"{server.base_url}/models").json()
    assert models["data"][0]["id"] == "corral-test-model"


def test_dropped_stream_ends_without_done() -> None:
    with OpenAIServer(cut_stream(after_events=2)) as server, httpx.Client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            with client.stream("POST", f"{server.base_url}/chat/completions",
                               json={**CHAT, "stream": True}) as response:
                for _ in response.iter_lines():
                    pass


def test_responses_stream_and_object() -> None:
    reply = message(text_block("hi"), tool_block("Read", {"file_path": "q"}))
    with OpenAIServer(reply, reply) as server, httpx.Client() as client:
        url = f"{server.base_url}/responses"
        whole = client.post(url, json={"model": "m", "input": []}).json()
        streamed = client.post(url, json={"model": "m", "input": [], "stream": True}).text
    assert [i["type"] for i in whole["output"]] == ["message", "function_call"]
    assert json.loads(whole["output"][1]["arguments"]) == {"file_path": "q"}
    names = [line[7:] for line in streamed.splitlines() if line.startswith("event: ")]
    assert names[0] == "response.created" and names[-1] == "response.completed"
    assert "response.function_call_arguments.delta" in names
    assert len(server.response_requests) == 2 and server.chat_requests == []


def test_corral_testing_does_not_import_pytest() -> None:
    code = "import sys, corral.testing; print('pytest' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
