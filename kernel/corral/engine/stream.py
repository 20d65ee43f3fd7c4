"""Stream one model reply and assemble it into content blocks, emitting deltas as they come."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from corral.errors import CorralError
from corral.events import Event, TextDelta, ThinkingDelta


class StreamCut(CorralError):
    """The reply stream ended before ``message_stop``: the whole request is retried."""


class Usage(msgspec.Struct, kw_only=True):
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_creation_input_tokens += other.cache_creation_input_tokens
        self.cache_read_input_tokens += other.cache_read_input_tokens

    @property
    def context_tokens(self) -> int:
        """Tokens the request's input occupied in the context window."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens


class Reply(msgspec.Struct, kw_only=True):
    content: list[dict[str, Any]]
    stop_reason: str | None
    usage: Usage
    model: str
    #: Monotonic time the last event of the reply arrived (for overhead measurements).
    finished_at: float = 0.0


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int) else 0


def _usage_from(obj: Any, into: Usage) -> None:
    if obj is None:
        return
    for field in (
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
    ):
        value = getattr(obj, field, None)
        if isinstance(value, int) and value:
            setattr(into, field, value)


class _Fields(dict[str, Any]):
    """A Messages-API event as a provider plugin yields it (plain dicts), readable with the
    attribute access the SDK's event objects offer."""

    def __getattr__(self, name: str) -> Any:
        value = self.get(name)
        if isinstance(value, dict):
            return _Fields(value)
        return value

    def to_dict(self) -> dict[str, Any]:
        return dict(self)


class _ProviderStream:
    def __init__(self, events: Any) -> None:
        self.events = events

    def __aiter__(self) -> Any:
        return self._iterate()

    async def _iterate(self) -> Any:
        async for event in self.events:
            yield _Fields(event)

    async def close(self) -> None:
        close = getattr(self.events, "aclose", None)
        if close is not None:
            await close()


async def stream_reply(
    client: Any,
    request: dict[str, Any],
    emit: Callable[[Event], Awaitable[None]],
    provider: Any = None,
) -> Reply:
    """Send ``request`` with streaming on and return the assembled reply.

    With ``provider`` (a :class:`corral.providers.Provider`), its ``stream`` function is used
    instead of the SDK; it yields the same events as plain dicts.
    Raises :class:`StreamCut` when the stream closes before ``message_stop``; SDK errors
    propagate for the retry policy to judge.
    """
    import time

    if provider is not None:
        stream: Any = _ProviderStream(provider.stream(request))
    else:
        stream = await client.messages.create(**request, stream=True)
    blocks: dict[int, dict[str, Any]] = {}
    partial_json: dict[int, list[str]] = {}
    usage = Usage()
    stop_reason: str | None = None
    model = str(request.get("model", ""))
    finished = False
    try:
        async for event in stream:
            kind = event.type
            if kind == "content_block_delta":
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
                elif dtype == "citations_delta":
                    block.setdefault("citations", []).append(delta.citation.to_dict())
            elif kind == "content_block_start":
                block = event.content_block.to_dict()
                if block.get("type") == "text":
                    block["text"] = block.get("text", "")
                    block.pop("citations", None)
                elif block.get("type") == "thinking":
                    block["thinking"] = block.get("thinking", "")
                    block["signature"] = block.get("signature", "")
                elif block.get("type") == "tool_use":
                    block["input"] = {}
                blocks[event.index] = block
            elif kind == "content_block_stop":
                block = blocks[event.index]
                if block.get("type") == "tool_use":
                    raw = "".join(partial_json.pop(event.index, []))
                    block["input"] = _parse_tool_input(raw)
            elif kind == "message_start":
                model = event.message.model or model
                _usage_from(event.message.usage, usage)
            elif kind == "message_delta":
                stop_reason = event.delta.stop_reason or stop_reason
                _usage_from(event.usage, usage)
            elif kind == "message_stop":
                finished = True
    finally:
        await stream.close()
    if not finished:
        raise StreamCut("the reply stream ended before message_stop")
    content = [blocks[i] for i in sorted(blocks)]
    return Reply(
        content=content,
        stop_reason=stop_reason,
        usage=usage,
        model=model,
        finished_at=time.monotonic(),
    )


def _parse_tool_input(raw: str) -> dict[str, Any]:
    """Decode a tool_use input; undecodable input is kept so validation can report it."""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return {"__invalid_json__": raw}
    return value if isinstance(value, dict) else {"__invalid_json__": raw}
