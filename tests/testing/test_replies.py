"""The reply builders and their wire rendering, checked without a network."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

import pytest
from corral.testing import (
    ErrorReply,
    MessageReply,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
    cut_stream,
    delayed,
    error,
    estimate_tokens,
    message,
    overloaded,
    prompt_too_long,
    rate_limited,
    slow,
    text,
    thinking,
    tool_use,
)
from corral.testing._render import error_headers, message_object, sse_frame, stream_events

BODY: dict[str, Any] = {
    "model": "claude-test-model",
    "max_tokens": 10,
    "messages": [{"role": "user", "content": "hi"}],
}


def _ids() -> Any:
    numbers = count(1)
    return lambda prefix: f"{prefix}{next(numbers)}"


def test_stop_reason_follows_content_unless_given() -> None:
    assert text("hi").effective_stop_reason == "end_turn"
    assert tool_use("Read", {}).effective_stop_reason == "tool_use"
    assert text("hi", stop_reason="max_tokens").effective_stop_reason == "max_tokens"


def test_message_accepts_strings_as_text_blocks() -> None:
    reply = message("a", ToolUseBlock("Bash", {"command": "ls"}), ThinkingBlock("t"))
    assert reply.content == (
        TextBlock("a"),
        ToolUseBlock("Bash", {"command": "ls"}),
        ThinkingBlock("t"),
    )


def test_tool_use_preamble_comes_first() -> None:
    reply = tool_use("Read", {"file_path": "x"}, preamble="Looking.")
    assert [type(b) for b in reply.content] == [TextBlock, ToolUseBlock]


def test_fault_helpers_return_changed_copies() -> None:
    base = text("hi")
    assert slow(base, 0.5).event_delay == 0.5
    assert delayed(base, 1.5).first_byte_delay == 1.5
    assert cut_stream(2, base).cut_after_events == 2
    assert base.event_delay == 0.0 and base.cut_after_events is None
    assert isinstance(delayed(error(500), 2.0), ErrorReply)
    stream_error = overloaded()
    assert base.cut(3, error=stream_error).stream_error == stream_error


def test_invalid_reply_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        MessageReply(content=(TextBlock("x"),), chunk_size=0)
    with pytest.raises(ValueError, match="cut_after_events"):
        text("x").cut(-1)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (429, "rate_limit_error"),
        (500, "api_error"),
        (529, "overloaded_error"),
    ],
)
def test_error_type_follows_status(status: int, kind: str) -> None:
    assert error(status).type == kind


def test_prompt_too_long_uses_the_apis_wording() -> None:
    reply = prompt_too_long(tokens=250_001, limit=200_000)
    assert (reply.status, reply.type) == (400, "invalid_request_error")
    assert reply.message == "prompt is too long: 250001 tokens > 200000 maximum"


def test_retry_after_header_keeps_integers_integral() -> None:
    assert error_headers(rate_limited(3)) == {"retry-after": "3"}
    assert error_headers(rate_limited(0.25)) == {"retry-after": "0.25"}
    assert error_headers(error(500)) == {}
    assert error_headers(error(529, headers={"x-should-retry": "false"})) == {
        "x-should-retry": "false"
    }


def test_estimate_counts_only_model_input_and_is_deterministic() -> None:
    small = estimate_tokens(BODY)
    assert small == estimate_tokens(dict(BODY, max_tokens=99999, stream=True, model="other"))
    # '{"messages":[]}' is 15 characters: 4 tokens once rounded up.
    assert estimate_tokens({"model": "m", "max_tokens": 1, "messages": []}) == 4
    # 13 + 12 + 400 + 16 + 2 = 443 characters of compact, key-sorted JSON: 111 tokens.
    bigger = dict(BODY, messages=[{"role": "user", "content": "x" * 400}])
    assert estimate_tokens(bigger) == 111
    assert estimate_tokens(dict(bigger, system="s" * 40)) > 111
    assert estimate_tokens(None) == 1


def test_message_object_fills_ids_model_and_estimates() -> None:
    reply = tool_use("Read", {"file_path": "a.py"}, preamble="Reading.")
    obj = message_object(reply, BODY, _ids())
    assert obj["model"] == "claude-test-model"
    assert obj["content"][1]["id"] == "toolu_1" and obj["id"] == "msg_2"
    assert obj["stop_reason"] == "tool_use"
    assert obj["usage"]["input_tokens"] == estimate_tokens(BODY)
    fixed = reply.with_usage(input_tokens=7, output_tokens=3, cache_read_input_tokens=5)
    usage = message_object(fixed, BODY, _ids())["usage"]
    assert usage == {
        "input_tokens": 7,
        "output_tokens": 3,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 5,
    }


def test_scripted_model_and_id_win_over_the_request() -> None:
    reply = MessageReply(content=(TextBlock("x"),), model="other-model", id="msg_fixed")
    obj = message_object(reply, BODY, _ids())
    assert (obj["model"], obj["id"]) == ("other-model", "msg_fixed")


def test_stream_events_have_the_apis_order() -> None:
    reply = message(ThinkingBlock("abcdefghij"), "hello world", ToolUseBlock("T", {"k": "v"}))
    obj = message_object(msgspec_replace(reply, chunk_size=4), BODY, _ids())
    names = [name for name, _ in stream_events(obj, 4)]
    assert names[:2] == ["message_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    assert names.count("content_block_start") == names.count("content_block_stop") == 3
    events = stream_events(obj, 4)
    thinking_deltas = [
        d["delta"] for n, d in events if n == "content_block_delta" and d["index"] == 0
    ]
    assert [d["type"] for d in thinking_deltas] == ["thinking_delta"] * 3 + ["signature_delta"]
    json_parts = [
        d["delta"]["partial_json"]
        for n, d in events
        if n == "content_block_delta" and d["index"] == 2
    ]
    assert len(json_parts) > 1 and json.loads("".join(json_parts)) == {"k": "v"}
    start = events[0][1]["message"]
    assert start["content"] == [] and start["stop_reason"] is None
    assert all(data["type"] == name for name, data in events)


def test_sse_frame_is_one_event() -> None:
    frame = sse_frame("ping", {"type": "ping"})
    assert frame == b'event: ping\ndata: {"type":"ping"}\n\n'


def test_usage_defaults_leave_cache_counts_at_zero() -> None:
    usage = Usage()
    assert (usage.cache_creation_input_tokens, usage.cache_read_input_tokens) == (0, 0)
    assert thinking("t", "a").content[0] == ThinkingBlock("t")


def msgspec_replace(reply: MessageReply, **changes: Any) -> MessageReply:
    import msgspec

    return msgspec.structs.replace(reply, **changes)
