"""Stream one model reply and assemble it into content blocks, emitting deltas as they come."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

import msgspec

from corral.errors import CorralError
from corral.events import Event, TextDelta, ThinkingDelta
from corral.transport.events import (
    ContentBlockDelta,
    ContentBlockStart,
    ContentBlockStop,
    MessageDelta,
    MessageStart,
    MessageStop,
    StreamEvent,
    event_from_dict,
)
from corral.transport.events import Usage as EventUsage
from corral.usage import Usage


class StreamCut(CorralError):
    """The reply stream ended before ``message_stop``: the whole request is retried."""


class Reply(msgspec.Struct, kw_only=True):
    content: list[dict[str, Any]]
    stop_reason: str | None
    usage: Usage
    model: str
    #: Monotonic time the last event of the reply arrived (for overhead measurements).
    finished_at: float = 0.0
    #: The message id the endpoint gave in ``message_start`` (empty when it gave none).
    id: str = ""
    #: Milliseconds from sending the request to the reply's last event.
    api_ms: float = 0.0


def _usage_from(obj: EventUsage | None, into: Usage) -> None:
    if obj is None:
        return
    for field in (
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    ):
        value = getattr(obj, field)
        if value:
            setattr(into, field, value)


async def _provider_events(
    events: AsyncIterator[dict[str, Any]],
) -> AsyncGenerator[StreamEvent, None]:
    """A provider plugin's event dicts as the transport's Structs (unknown types skipped)."""
    try:
        async for data in events:
            event = event_from_dict(data)
            if event is not None:
                yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()


async def stream_reply(
    client: Any,
    request: dict[str, Any],
    emit: Callable[[Event], Awaitable[None]],
    provider: Any = None,
    on_raw: Callable[[StreamEvent], None] | None = None,
) -> Reply:
    """Send ``request`` with streaming on and return the assembled reply.

    The events come from ``client.stream(request)`` (a
    :class:`corral.transport.client.MessagesClient`), or with ``provider`` (anything
    with a ``stream(request)`` method: a :class:`corral.providers.Connection`) as plain dicts.
    ``on_raw`` is called with every event as it arrives (``--include-partial-messages``).
    Raises :class:`StreamCut` when the stream closes before ``message_stop``; endpoint errors
    (:class:`corral.transport.errors.APIError`) propagate for the retry policy to judge.
    """
    stream: AsyncGenerator[StreamEvent, None]
    if provider is not None:
        stream = _provider_events(provider.stream(request))
    else:
        stream = client.stream(request)
    blocks: dict[int, dict[str, Any]] = {}
    partial_json: dict[int, list[str]] = {}
    usage = Usage()
    stop_reason: str | None = None
    model = str(request.get("model", ""))
    message_id = ""
    sent_at = time.monotonic()
    finished = False
    try:
        async for event in stream:
            if on_raw is not None:
                on_raw(event)
            if isinstance(event, ContentBlockDelta):
                delta = event.delta
                block = blocks[event.index]
                dtype = delta.type
                if dtype == "text_delta":
                    block["text"] += delta.text
                    await emit(TextDelta(text=delta.text))
                elif dtype == "input_json_delta":
                    partial_json.setdefault(event.index, []).append(delta.partial_json)
                elif dtype == "thinking_delta":
                    block["thinking"] += delta.thinking
                    await emit(ThinkingDelta(text=delta.thinking))
                elif dtype == "signature_delta":
                    block["signature"] = block.get("signature", "") + delta.signature
                elif dtype == "citations_delta" and delta.citation is not None:
                    block.setdefault("citations", []).append(delta.citation)
            elif isinstance(event, ContentBlockStart):
                block = dict(event.content_block)
                btype = block.get("type")
                if btype == "text":
                    block["text"] = block.get("text") or ""
                    block.pop("citations", None)
                elif btype == "thinking":
                    block["thinking"] = block.get("thinking") or ""
                    block["signature"] = block.get("signature") or ""
                elif btype in ("tool_use", "server_tool_use"):
                    block["input"] = {}
                blocks[event.index] = block
            elif isinstance(event, ContentBlockStop):
                block = blocks[event.index]
                if block.get("type") in ("tool_use", "server_tool_use"):
                    raw = "".join(partial_json.pop(event.index, []))
                    block["input"] = _parse_tool_input(raw)
            elif isinstance(event, MessageStart):
                model = event.message.model or model
                message_id = event.message.id or message_id
                _usage_from(event.message.usage, usage)
            elif isinstance(event, MessageDelta):
                stop_reason = event.delta.stop_reason or stop_reason
                _usage_from(event.usage, usage)
            elif isinstance(event, MessageStop):
                finished = True
    finally:
        await stream.aclose()
    if not finished:
        raise StreamCut("the reply stream ended before message_stop")
    content = [blocks[i] for i in sorted(blocks)]
    finished_at = time.monotonic()
    return Reply(
        content=content,
        stop_reason=stop_reason,
        usage=usage,
        model=model,
        finished_at=finished_at,
        id=message_id,
        api_ms=round((finished_at - sent_at) * 1000, 1),
    )


def _parse_tool_input(raw: str) -> dict[str, Any]:
    """Decode a tool_use input; undecodable input is kept so validation can report it."""
    if not raw.strip():
        return {}
    import json  # the first tool call loads it, not the way to the first request

    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return {"__invalid_json__": raw}
    return value if isinstance(value, dict) else {"__invalid_json__": raw}
