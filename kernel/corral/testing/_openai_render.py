"""Turn a scripted reply into OpenAI-format wire shapes: Chat Completions and Responses.

Every shape starts from the Messages-shaped message :func:`corral.testing._render.message_object`
builds (ids and token counts filled in), so both servers answer the same script alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from corral.testing._render import json_bytes
from corral.testing.replies import ERROR_TYPES, ErrorReply

#: Finish reason of Chat Completions for each Messages stop reason.
FINISH_REASONS: dict[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "refusal": "content_filter",
}

#: The ``error.type`` and ``error.code`` OpenAI-format servers use for each HTTP status.
OPENAI_ERRORS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "model_not_found"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}

_MESSAGES_TYPES = frozenset(ERROR_TYPES.values())


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def _arguments(block: dict[str, Any]) -> str:
    return json_bytes(block["input"]).decode()


def _call_id(block: dict[str, Any]) -> str:
    return str(block["id"]).replace("toolu_", "call_", 1)


# --- Chat Completions ------------------------------------------------------------------------


def chat_usage(message: dict[str, Any]) -> dict[str, Any]:
    """The ``usage`` object: prompt tokens count cached ones, which are reported apart."""
    usage = message["usage"]
    cached = usage["cache_read_input_tokens"]
    prompt = usage["input_tokens"] + usage["cache_creation_input_tokens"] + cached
    completion = usage["output_tokens"]
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }


def chat_completion(message: dict[str, Any], reasoning_field: str) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` object for ``message``."""
    texts = [b["text"] for b in message["content"] if b["type"] == "text"]
    thoughts = [b["thinking"] for b in message["content"] if b["type"] == "thinking"]
    calls = [
        {
            "id": _call_id(b),
            "type": "function",
            "function": {"name": b["name"], "arguments": _arguments(b)},
        }
        for b in message["content"]
        if b["type"] == "tool_use"
    ]
    reply: dict[str, Any] = {"role": "assistant", "content": "".join(texts) if texts else None}
    if thoughts:
        reply[reasoning_field] = "".join(thoughts)
    if calls:
        reply["tool_calls"] = calls
    return {
        "id": message["id"].replace("msg_", "chatcmpl-", 1),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": message["model"],
        "choices": [
            {
                "index": 0,
                "message": reply,
                "finish_reason": FINISH_REASONS.get(message["stop_reason"], "stop"),
            }
        ],
        "usage": chat_usage(message),
    }


def chat_chunks(
    message: dict[str, Any], chunk_size: int, *, include_usage: bool, reasoning_field: str
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects that stream ``message``, in order.

    A role chunk, then per block its pieces (``chunk_size`` characters each: reasoning under
    ``reasoning_field``, text under ``content``, tool calls as a head naming id and function
    followed by argument fragments), a chunk carrying the finish reason, and when
    ``include_usage`` a last chunk with no choices and the usage.
    """
    head = {
        "id": message["id"].replace("msg_", "chatcmpl-", 1),
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": message["model"],
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    out = [chunk({"role": "assistant", "content": ""})]
    call_index = 0
    for block in message["content"]:
        kind = block["type"]
        if kind == "text":
            out.extend(chunk({"content": piece}) for piece in _chunks(block["text"], chunk_size))
        elif kind == "thinking":
            out.extend(
                chunk({reasoning_field: piece})
                for piece in _chunks(block["thinking"], chunk_size)
            )
        elif kind == "tool_use":
            first = {
                "index": call_index,
                "id": _call_id(block),
                "type": "function",
                "function": {"name": block["name"], "arguments": ""},
            }
            out.append(chunk({"tool_calls": [first]}))
            out.extend(
                chunk({"tool_calls": [{"index": call_index, "function": {"arguments": piece}}]})
                for piece in _chunks(_arguments(block), chunk_size)
            )
            call_index += 1
    out.append(chunk({}, FINISH_REASONS.get(message["stop_reason"], "stop")))
    if include_usage:
        out.append({**head, "choices": [], "usage": chat_usage(message)})
    return out


def data_frame(data: Any) -> bytes:
    """One ``data:`` server-sent event (Chat Completions sends no event names)."""
    return b"data: " + json_bytes(data) + b"\n\n"


DONE_FRAME = b"data: [DONE]\n\n"


def error_object(reply: ErrorReply) -> dict[str, Any]:
    """The OpenAI-format JSON error body: ``{"error": {message, type, param, code}}``."""
    default_type, default_code = OPENAI_ERRORS.get(
        reply.status, ("server_error" if reply.status >= 500 else "invalid_request_error", None)
    )
    kind = default_type if reply.type in _MESSAGES_TYPES else reply.type
    return {
        "error": {
            "message": reply.message,
            "type": kind,
            "param": None,
            "code": reply.code if reply.code is not None else default_code,
        }
    }


# --- Responses -------------------------------------------------------------------------------


def _response_usage(message: dict[str, Any]) -> dict[str, Any]:
    usage = chat_usage(message)
    return {
        "input_tokens": usage["prompt_tokens"],
        "input_tokens_details": {"cached_tokens": usage["prompt_tokens_details"]["cached_tokens"]},
        "output_tokens": usage["completion_tokens"],
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": usage["total_tokens"],
    }


def _output_items(
    message: dict[str, Any], new_id: Callable[[str], str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for block in message["content"]:
        kind = block["type"]
        if kind == "text":
            items.append(
                {
                    "type": "message",
                    "id": new_id("msg_"),
                    "status": "completed",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": block["text"], "annotations": []}],
                }
            )
        elif kind == "thinking":
            items.append(
                {
                    "type": "reasoning",
                    "id": new_id("rs_"),
                    "summary": [{"type": "summary_text", "text": block["thinking"]}],
                }
            )
        elif kind == "tool_use":
            items.append(
                {
                    "type": "function_call",
                    "id": new_id("fc_"),
                    "call_id": _call_id(block),
                    "name": block["name"],
                    "arguments": _arguments(block),
                    "status": "completed",
                }
            )
    return items


def response_object(
    message: dict[str, Any], new_id: Callable[[str], str], items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The complete ``response`` object (``incomplete`` when the reply hit max_tokens)."""
    incomplete = message["stop_reason"] == "max_tokens"
    return {
        "id": message["id"].replace("msg_", "resp_", 1),
        "object": "response",
        "created_at": int(time.time()),
        "status": "incomplete" if incomplete else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "model": message["model"],
        "output": items if items is not None else _output_items(message, new_id),
        "usage": _response_usage(message),
    }


def response_events(
    message: dict[str, Any], new_id: Callable[[str], str], chunk_size: int
) -> list[tuple[str, dict[str, Any]]]:
    """The (event name, data) pairs that stream a Responses reply, in order."""
    items = _output_items(message, new_id)
    final = response_object(message, new_id, items)
    start = {**final, "status": "in_progress", "output": [], "usage": None}
    events: list[tuple[str, dict[str, Any]]] = [("response.created", {"response": start})]
    for index, item in enumerate(items):
        kind = item["type"]
        empty: dict[str, Any]
        if kind == "message":
            empty = {**item, "status": "in_progress", "content": []}
        elif kind == "reasoning":
            empty = {**item, "summary": []}
        else:
            empty = {**item, "status": "in_progress", "arguments": ""}
        events.append(("response.output_item.added", {"output_index": index, "item": empty}))
        where = {"item_id": item["id"], "output_index": index}
        if kind == "message":
            text = item["content"][0]["text"]
            for piece in _chunks(text, chunk_size):
                events.append(
                    ("response.output_text.delta", {**where, "content_index": 0, "delta": piece})
                )
            events.append(("response.output_text.done", {**where, "content_index": 0, "text": text}))
        elif kind == "reasoning":
            text = item["summary"][0]["text"]
            for piece in _chunks(text, chunk_size):
                events.append(
                    (
                        "response.reasoning_summary_text.delta",
                        {**where, "summary_index": 0, "delta": piece},
                    )
                )
        else:
            for piece in _chunks(item["arguments"], chunk_size):
                events.append(("response.function_call_arguments.delta", {**where, "delta": piece}))
            events.append(
                ("response.function_call_arguments.done", {**where, "arguments": item["arguments"]})
            )
        events.append(("response.output_item.done", {"output_index": index, "item": item}))
    name = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    events.append((name, {"response": final}))
    return [(name, {"type": name, "sequence_number": n, **data}) for n, (name, data) in
            enumerate(events)]
