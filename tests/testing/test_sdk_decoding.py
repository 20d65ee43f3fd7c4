"""Every reply kind decodes in the real anthropic SDK: sync and async, streamed and not.

``sdk`` (see conftest.py) makes clients bound to this test's ``anthropic_server``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from corral.testing import (
    MessageReply,
    MessagesServer,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
    message,
    text,
    thinking,
    tool_use,
)

#: Long enough that the default 8-character chunks split it over many deltas.
TOOL_INPUT: dict[str, Any] = {
    "file_path": "/project/src/module.py",
    "offset": 10,
    "limit": 200,
    "nested": {"flags": [True, False, None], "ratio": 0.5, "name": "ünïcødé ✓"},
}

USAGE = Usage(
    input_tokens=1234, output_tokens=56, cache_creation_input_tokens=700, cache_read_input_tokens=8
)


def _sync_create(sdk: Any) -> Any:
    return sdk.client().messages.create(**sdk.request)


def _sync_stream(sdk: Any) -> Any:
    with sdk.client().messages.stream(**sdk.request) as stream:
        return stream.get_final_message()


def _async_create(sdk: Any) -> Any:
    async def run() -> Any:
        async with sdk.async_client() as client:
            return await client.messages.create(**sdk.request)

    return asyncio.run(run())


def _async_stream(sdk: Any) -> Any:
    async def run() -> Any:
        async with sdk.async_client() as client:
            async with client.messages.stream(**sdk.request) as stream:
                return await stream.get_final_message()

    return asyncio.run(run())


WAYS: dict[str, Callable[[Any], Any]] = {
    "sync-json": _sync_create,
    "sync-stream": _sync_stream,
    "async-json": _async_create,
    "async-stream": _async_stream,
}


@pytest.fixture(params=sorted(WAYS))
def fetch(request: pytest.FixtureRequest, sdk: Any) -> Callable[[], Any]:
    """Sends the standard request one way and returns the SDK's final message."""
    way = WAYS[request.param]
    return lambda: way(sdk)


def test_text_reply(
    anthropic_server: MessagesServer, fetch: Callable[[], Any], request: pytest.FixtureRequest
) -> None:
    anthropic_server.enqueue(text("Hello from the scripted server, in several deltas."))
    reply = fetch()
    assert [block.type for block in reply.content] == ["text"]
    assert reply.content[0].text == "Hello from the scripted server, in several deltas."
    assert reply.stop_reason == "end_turn"
    assert reply.model == "claude-test-model"
    assert reply.id.startswith("msg_") and reply.role == "assistant"
    streamed = request.node.callspec.params["fetch"].endswith("stream")
    assert anthropic_server.last_request.stream is streamed


def test_tool_use_input_survives_split_deltas(
    anthropic_server: MessagesServer, fetch: Callable[[], Any]
) -> None:
    anthropic_server.enqueue(tool_use("Read", TOOL_INPUT, preamble="Let me read it."))
    reply = fetch()
    assert [block.type for block in reply.content] == ["text", "tool_use"]
    call = reply.content[1]
    assert call.name == "Read" and call.input == TOOL_INPUT
    assert call.id.startswith("toolu_")
    assert reply.stop_reason == "tool_use"


def test_thinking_blocks_decode(anthropic_server: MessagesServer, fetch: Callable[[], Any]) -> None:
    anthropic_server.enqueue(
        message(
            ThinkingBlock("First I consider the question carefully.", "sig-abc"),
            RedactedThinkingBlock("opaque-bytes"),
            TextBlock("The answer is 42."),
        )
    )
    reply = fetch()
    assert [block.type for block in reply.content] == ["thinking", "redacted_thinking", "text"]
    assert reply.content[0].thinking == "First I consider the question carefully."
    assert reply.content[0].signature == "sig-abc"
    assert reply.content[1].data == "opaque-bytes"
    assert reply.content[2].text == "The answer is 42."


def test_usage_with_cache_tokens(
    anthropic_server: MessagesServer, fetch: Callable[[], Any]
) -> None:
    anthropic_server.enqueue(text("cached", usage=USAGE))
    usage = fetch().usage
    assert (usage.input_tokens, usage.output_tokens) == (1234, 56)
    assert usage.cache_creation_input_tokens == 700
    assert usage.cache_read_input_tokens == 8


@pytest.mark.parametrize("reason", ["max_tokens", "stop_sequence", "refusal", "pause_turn"])
def test_scripted_stop_reasons(
    anthropic_server: MessagesServer, fetch: Callable[[], Any], reason: Any
) -> None:
    stop_sequence = "###" if reason == "stop_sequence" else None
    anthropic_server.enqueue(
        MessageReply(content=(TextBlock("cut"),), stop_reason=reason, stop_sequence=stop_sequence)
    )
    got = fetch()
    assert (got.stop_reason, got.stop_sequence) == (reason, stop_sequence)


def test_several_blocks_keep_their_order(
    anthropic_server: MessagesServer, fetch: Callable[[], Any]
) -> None:
    anthropic_server.enqueue(
        message(
            "one",
            ToolUseBlock("A", {"x": 1}, id="toolu_fixed_a"),
            ToolUseBlock("B", {"y": [1, 2, 3]}),
        )
    )
    reply = fetch()
    assert [getattr(b, "name", None) or b.text for b in reply.content] == ["one", "A", "B"]
    assert reply.content[1].id == "toolu_fixed_a"
    assert reply.content[2].input == {"y": [1, 2, 3]}


def test_raw_stream_events_sync(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(
        message(ThinkingBlock("think"), ToolUseBlock("Grep", TOOL_INPUT), usage=USAGE)
    )
    events = list(sdk.client().messages.create(**sdk.request, stream=True))
    kinds = [event.type for event in events]
    assert kinds[:2] == ["message_start", "content_block_start"]  # the SDK drops the ping
    assert kinds[-2:] == ["message_delta", "message_stop"]
    deltas = [e.delta for e in events if e.type == "content_block_delta"]
    assert [d.type for d in deltas if d.type != "input_json_delta"] == [
        "thinking_delta",
        "signature_delta",
    ]
    assert sum(d.type == "input_json_delta" for d in deltas) > 3
    final = events[-2]
    assert final.delta.stop_reason == "tool_use"
    assert final.usage.cache_creation_input_tokens == 700
    assert final.usage.cache_read_input_tokens == 8
    assert final.usage.output_tokens == 56


def test_raw_stream_events_async(anthropic_server: MessagesServer, sdk: Any) -> None:
    anthropic_server.enqueue(text("streamed text over several deltas"))

    async def run() -> list[Any]:
        async with sdk.async_client() as client:
            stream = await client.messages.create(**sdk.request, stream=True)
            return [event async for event in stream]

    events = asyncio.run(run())
    pieces = [e.delta.text for e in events if e.type == "content_block_delta"]
    assert len(pieces) > 1 and "".join(pieces) == "streamed text over several deltas"
    assert events[0].message.usage.output_tokens == 1
    assert events[-2].usage.output_tokens == 9  # 33 characters, 4 a token, rounded up


def test_stream_helper_text_stream_skips_thinking(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(thinking("pondering", "Final answer."))
    with sdk.client().messages.stream(**sdk.request) as stream:
        streamed = "".join(stream.text_stream)
    assert streamed == "Final answer."


def test_concurrent_async_requests_each_get_a_reply(
    anthropic_server: MessagesServer, sdk: Any
) -> None:
    anthropic_server.enqueue(*(text(f"reply {n}") for n in range(6)))

    async def run() -> list[str]:
        async with sdk.async_client() as client:
            replies = await asyncio.gather(
                *(client.messages.create(**sdk.request) for _ in range(6))
            )
        return [r.content[0].text for r in replies]

    assert sorted(asyncio.run(run())) == [f"reply {n}" for n in range(6)]
    assert len(anthropic_server.message_requests) == 6 and anthropic_server.pending == 0
