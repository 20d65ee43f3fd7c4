"""The openai provider's connection against the scripted OpenAI-format server over HTTP."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import msgspec
import pytest
from corral.api import PROMPT_TOO_LONG, APIError, Config
from corral.testing import (
    OpenAIServer,
    Usage,
    context_length_exceeded,
    cut_stream,
    error,
    message,
    model_not_found,
    rate_limited,
    text,
    text_block,
    thinking_block,
    tool_block,
    tool_use,
)
from corral_openai.errors import KeyRefused, ToolsUnsupported, UnknownModel
from corral_openai.plugin import connect, describe

REQUEST: dict[str, Any] = {
    "model": "corral-test-model",
    "max_tokens": 1000,
    "system": [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}],
    "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
    "tools": [{"name": "Read", "description": "read a file",
               "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}}}}],
}


def config(server: OpenAIServer, **plugin: Any) -> Config:
    return msgspec.convert(
        {"api": {"provider": "openai", "base_url": server.base_url}, "plugins": {"openai": plugin}},
        Config,
    )


def collect(cfg: Config, request: dict[str, Any] = REQUEST) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        connection = connect(cfg)
        try:
            return [event async for event in connection.stream(request)]
        finally:
            await connection.close()

    return asyncio.run(go())


def assemble(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The reply the events stand for: blocks with their text/thinking/input, stop, usage."""
    blocks: dict[int, dict[str, Any]] = {}
    parts: dict[int, list[str]] = {}
    out: dict[str, Any] = {"stop_reason": None, "usage": {}, "stopped": False}
    for event in events:
        kind = event["type"]
        if kind == "content_block_start":
            blocks[event["index"]] = dict(event["content_block"])
            parts[event["index"]] = []
        elif kind == "content_block_delta":
            delta = event["delta"]
            parts[event["index"]].append(
                delta.get("text") or delta.get("thinking") or delta.get("partial_json") or ""
            )
        elif kind == "message_delta":
            out["stop_reason"] = event["delta"]["stop_reason"]
            out["usage"] = event["usage"]
        elif kind == "message_start":
            out["model"] = event["message"]["model"]
        elif kind == "message_stop":
            out["stopped"] = True
    content = []
    for index in sorted(blocks):
        block, joined = blocks[index], "".join(parts[index])
        if block["type"] == "tool_use":
            block["input"] = json.loads(joined or "{}")
        elif block["type"] == "text":
            block["text"] = joined
        else:
            block["thinking"] = joined
        content.append(block)
    out["content"] = content
    return out


def test_fragments_several_calls_reasoning_and_cached_usage() -> None:
    reply = message(
        thinking_block("I should read both files."),
        text_block("Reading."),
        tool_block("Read", {"file_path": "a.py"}),
        tool_block("Read", {"file_path": "b/c.py", "note": "ünïcode"}),
        usage=Usage(input_tokens=30, output_tokens=12, cache_read_input_tokens=70),
    )
    with OpenAIServer(msgspec.structs.replace(reply, chunk_size=3)) as server:
        got = assemble(collect(config(server)))
    assert got["stopped"] and got["stop_reason"] == "tool_use"
    kinds = [b["type"] for b in got["content"]]
    assert kinds == ["thinking", "text", "tool_use", "tool_use"]
    assert got["content"][0]["thinking"] == "I should read both files."
    assert [b["input"] for b in got["content"][2:]] == [
        {"file_path": "a.py"}, {"file_path": "b/c.py", "note": "ünïcode"}]
    ids = [b["id"] for b in got["content"][2:]]
    assert len(set(ids)) == 2 and all(ids)
    assert got["usage"]["input_tokens"] == 30 and got["usage"]["cache_read_input_tokens"] == 70
    assert got["usage"]["output_tokens"] == 12


def test_request_translation_on_the_wire() -> None:
    with OpenAIServer(text("ok")) as server:
        collect(config(server))
        body = server.chat_requests[0].body
    assert body["messages"][0] == {"role": "system", "content": "You are terse."}
    assert body["messages"][1] == {"role": "user", "content": "hi"}
    assert body["tools"] == [{"type": "function", "function": {
        "name": "Read", "description": "read a file",
        "parameters": REQUEST["tools"][0]["input_schema"]}}]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["max_tokens"] == 1000 and "max_completion_tokens" not in body


def test_reasoning_field_named_reasoning() -> None:
    with OpenAIServer(message(thinking_block("hmm"), text_block("yes")),
                      reasoning_field="reasoning") as server:
        got = assemble(collect(config(server)))
    assert [b["type"] for b in got["content"]] == ["thinking", "text"]
    assert got["content"][0]["thinking"] == "hmm"


def test_without_usage_chunk_and_without_done() -> None:
    with OpenAIServer(text("plain", stop_reason="max_tokens"), send_done=False) as server:
        got = assemble(collect(config(server, include_usage=False)))
        assert "stream_options" not in server.chat_requests[0].body
    assert got["stopped"] and got["stop_reason"] == "max_tokens"
    assert got["content"] == [{"type": "text", "text": "plain"}]


def test_dropped_stream_is_a_transport_error() -> None:
    """The engine's retry policy retries transport errors; no message_stop was sent."""
    import httpx

    with OpenAIServer(cut_stream(after_events=4, reply=tool_use("Read", {"file_path": "x"}))) as server:
        with pytest.raises(httpx.TransportError):
            collect(config(server))


def test_error_inside_the_stream_is_retryable() -> None:
    with OpenAIServer(cut_stream(after_events=2, error=error(500, "engine crashed"))) as server:
        with pytest.raises(APIError) as caught:
            collect(config(server))
    assert caught.value.should_retry and "engine crashed" in caught.value.message


def test_429_carries_retry_after_and_5xx_retries() -> None:
    with OpenAIServer(rate_limited(retry_after=7), error(503)) as server:
        with pytest.raises(APIError) as first:
            collect(config(server))
        with pytest.raises(APIError) as second:
            collect(config(server))
    assert first.value.status == 429 and first.value.retry_after == 7 and first.value.should_retry
    assert second.value.status == 503 and second.value.should_retry


def test_context_length_means_prompt_too_long() -> None:
    with OpenAIServer(context_length_exceeded(), error(
            400, "the request exceeds the available context size, try increasing it")) as server:
        for _ in range(2):
            with pytest.raises(APIError) as caught:
                collect(config(server))
            assert caught.value.kind == PROMPT_TOO_LONG and not caught.value.should_retry


def test_unknown_model_bad_key_and_no_tools_are_our_own_errors(monkeypatch) -> None:
    with OpenAIServer(model_not_found("corral-test-model")) as server:
        with pytest.raises(UnknownModel, match="does not serve model 'corral-test-model'") as e1:
            collect(config(server))
    assert "/v1/models" in str(e1.value)
    monkeypatch.setenv("OPENAI_API_KEY", "wrong")
    with OpenAIServer(text("x"), api_key="right") as server:
        with pytest.raises(KeyRefused, match="OPENAI_API_KEY"):
            collect(config(server))
        assert server.chat_requests[0].header("authorization") == "Bearer wrong"
    with OpenAIServer(text("x"), tools_supported=False) as server:
        with pytest.raises(ToolsUnsupported, match="corral needs tool calling"):
            collect(config(server))


def test_json_answer_to_a_streamed_request() -> None:
    """A server that ignores ``stream`` and answers one JSON object still works."""
    with OpenAIServer(tool_use("Read", {"file_path": "a"}, preamble="Let me see.")) as server:
        # extra_body overrides the request's stream flag: the server then answers in JSON
        events = collect(config(server, extra_body={"stream": False}))
        assert server.chat_requests[0].body["stream"] is False
    got = assemble(events)
    assert got["stopped"] and got["stop_reason"] == "tool_use"
    assert got["content"][0] == {"type": "text", "text": "Let me see."}
    assert got["content"][1]["input"] == {"file_path": "a"}


def test_responses_style_streams_calls_and_reasoning() -> None:
    reply = message(thinking_block("think"), text_block("answer"), tool_block("Read", {"file_path": "z"}),
                    usage=Usage(input_tokens=5, output_tokens=3, cache_read_input_tokens=10))
    with OpenAIServer(reply) as server:
        got = assemble(collect(config(server, api_style="responses", reasoning_effort="low")))
        body = server.response_requests[0].body
    assert [b["type"] for b in got["content"]] == ["thinking", "text", "tool_use"]
    assert got["content"][2]["input"] == {"file_path": "z"} and got["stop_reason"] == "tool_use"
    assert got["usage"]["cache_read_input_tokens"] == 10 and got["usage"]["input_tokens"] == 5
    assert body["instructions"] == "You are terse." and body["store"] is False
    assert body["reasoning"] == {"effort": "low", "summary": "auto"}
    assert body["max_output_tokens"] == 1000


def test_describe_for_doctor(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    with OpenAIServer() as server:
        lines = dict(describe(config(server)))
        assert lines["base URL"] == server.base_url
    assert lines["credentials"] == "OPENAI_API_KEY set (value not shown)"
    assert "sk-secret" not in str(lines)
