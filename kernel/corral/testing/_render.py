"""Turn a scripted reply into the API's wire shapes: the message object, SSE events, errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from corral.testing.replies import (
    ErrorReply,
    MessageReply,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    WebSearchResultBlock,
)

#: Request keys whose size the token estimate counts (what the model would read).
COUNTED_KEYS = ("system", "messages", "tools")

_encode = msgspec.json.Encoder().encode


def estimate_tokens(body: Any) -> int:
    """The server's deterministic token estimate of a request body.

    One token per four characters (rounded up, at least 1) of the compact, key-sorted JSON of
    the body's ``system``, ``messages`` and ``tools``. It is what ``count_tokens`` answers and
    the default ``input_tokens`` of a reply, so the two always agree for the same request.
    """
    if not isinstance(body, dict):
        return 1
    counted = {key: body[key] for key in COUNTED_KEYS if key in body}
    chars = len(json.dumps(counted, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return max(1, -(-chars // 4))


def _output_estimate(reply: MessageReply) -> int:
    chars = 0
    for block in reply.content:
        if isinstance(block, TextBlock):
            chars += len(block.text)
        elif isinstance(block, ToolUseBlock):
            chars += len(block.name) + len(_encode(block.input))
        elif isinstance(block, ThinkingBlock):
            chars += len(block.thinking)
    return max(1, -(-chars // 4))


def message_object(
    reply: MessageReply, request_body: Any, new_id: Callable[[str], str]
) -> dict[str, Any]:
    """The complete message the reply stands for, ids and counts filled in."""
    content: list[dict[str, Any]] = []
    server_tool_id = ""
    for block in reply.content:
        if isinstance(block, ServerToolUseBlock):
            server_tool_id = block.id or new_id("srvtoolu_")
            content.append({"type": "server_tool_use", "id": server_tool_id,
                            "name": block.name, "input": block.input})
        elif isinstance(block, WebSearchResultBlock):
            found: Any
            if block.error_code is not None:
                found = {"type": "web_search_tool_result_error", "error_code": block.error_code}
            else:
                found = [{"type": "web_search_result", "url": url, "title": title,
                          "encrypted_content": f"enc-{index}", "page_age": None}
                         for index, (url, title) in enumerate(block.results)]
            content.append({"type": "web_search_tool_result",
                            "tool_use_id": block.tool_use_id or server_tool_id,
                            "content": found})
        elif isinstance(block, TextBlock):
            content.append({"type": "text", "text": block.text})
        elif isinstance(block, ToolUseBlock):
            content.append(
                {
                    "type": "tool_use",
                    "id": block.id or new_id("toolu_"),
                    "name": block.name,
                    "input": block.input,
                }
            )
        elif isinstance(block, ThinkingBlock):
            content.append(
                {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
            )
        elif isinstance(block, RedactedThinkingBlock):
            content.append({"type": "redacted_thinking", "data": block.data})
    requested_model = request_body.get("model") if isinstance(request_body, dict) else None
    usage = reply.usage
    return {
        "id": reply.id or new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": reply.model or requested_model or "corral-test-model",
        "content": content,
        "stop_reason": reply.effective_stop_reason,
        "stop_sequence": reply.stop_sequence,
        "usage": {
            "input_tokens": (
                usage.input_tokens
                if usage.input_tokens is not None
                else estimate_tokens(request_body)
            ),
            "output_tokens": (
                usage.output_tokens if usage.output_tokens is not None else _output_estimate(reply)
            ),
            "cache_creation_input_tokens": usage.cache_creation_input_tokens,
            "cache_read_input_tokens": usage.cache_read_input_tokens,
        },
    }


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def _block_events(index: int, block: dict[str, Any], size: int) -> Iterator[tuple[str, Any]]:
    kind = block["type"]
    if kind == "text":
        yield "content_block_start", {"index": index, "content_block": {"type": "text", "text": ""}}
        for piece in _chunks(block["text"], size):
            yield (
                "content_block_delta",
                {
                    "index": index,
                    "delta": {"type": "text_delta", "text": piece},
                },
            )
    elif kind in ("tool_use", "server_tool_use"):
        start = {"type": kind, "id": block["id"], "name": block["name"], "input": {}}
        yield "content_block_start", {"index": index, "content_block": start}
        for piece in _chunks(_encode(block["input"]).decode(), size):
            yield (
                "content_block_delta",
                {
                    "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": piece},
                },
            )
    elif kind == "thinking":
        start = {"type": "thinking", "thinking": "", "signature": ""}
        yield "content_block_start", {"index": index, "content_block": start}
        for piece in _chunks(block["thinking"], size):
            yield (
                "content_block_delta",
                {
                    "index": index,
                    "delta": {"type": "thinking_delta", "thinking": piece},
                },
            )
        yield (
            "content_block_delta",
            {
                "index": index,
                "delta": {"type": "signature_delta", "signature": block["signature"]},
            },
        )
    else:
        yield "content_block_start", {"index": index, "content_block": block}
    yield "content_block_stop", {"index": index}


def stream_events(message: dict[str, Any], chunk_size: int) -> list[tuple[str, Any]]:
    """The SSE events (name, data) that stream ``message``, in order.

    ``message_start`` (empty content, one output token), one ``ping``, then per block
    ``content_block_start``, its deltas (``chunk_size`` characters each) and
    ``content_block_stop``, then ``message_delta`` (stop reason and final usage) and
    ``message_stop``.
    """
    usage = message["usage"]
    start = dict(message, content=[], stop_reason=None, stop_sequence=None)
    start["usage"] = dict(usage, output_tokens=1)
    events: list[tuple[str, Any]] = [("message_start", {"message": start}), ("ping", {})]
    for index, block in enumerate(message["content"]):
        events.extend(_block_events(index, block, chunk_size))
    events.append(
        (
            "message_delta",
            {
                "delta": {
                    "stop_reason": message["stop_reason"],
                    "stop_sequence": message["stop_sequence"],
                },
                "usage": dict(usage),
            },
        )
    )
    events.append(("message_stop", {}))
    return [(name, {"type": name, **data}) for name, data in events]


def sse_frame(name: str, data: Any) -> bytes:
    """One server-sent event as bytes."""
    return b"event: " + name.encode() + b"\ndata: " + _encode(data) + b"\n\n"


def json_bytes(data: Any) -> bytes:
    """Compact JSON bytes."""
    return _encode(data)


def error_object(reply: ErrorReply, request_id: str) -> dict[str, Any]:
    """The API's JSON error body."""
    return {
        "type": "error",
        "error": {"type": reply.type, "message": reply.message},
        "request_id": request_id,
    }


def error_headers(reply: ErrorReply) -> dict[str, str]:
    """Headers of an error reply: ``retry-after`` when set, then the scripted extras."""
    headers: dict[str, str] = {}
    if reply.retry_after is not None:
        seconds = reply.retry_after
        headers["retry-after"] = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
    headers.update(reply.headers)
    return headers
