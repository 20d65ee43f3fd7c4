"""The Messages API's streamed events and messages as msgspec Structs, one per event type.

Fields the engine does not read are ignored when decoding; content blocks stay plain dicts
(their shapes vary by type and are sent back to the API as they came).
"""

from __future__ import annotations

from typing import Any, TypeAlias

import msgspec

from corral.hints import resolve_annotations


class Usage(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Token counts; endpoints send ``null`` or leave some out."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None


class MessageHead(msgspec.Struct, kw_only=True):
    """The message as ``message_start`` announces it."""

    id: str = ""
    model: str = ""
    usage: Usage | None = None


class Delta(msgspec.Struct, kw_only=True):
    """A ``content_block_delta``'s delta; which field is set depends on ``type``."""

    type: str
    text: str = ""
    partial_json: str = ""
    thinking: str = ""
    signature: str = ""
    citation: dict[str, Any] | None = None


class MessageDeltaBody(msgspec.Struct, kw_only=True):
    stop_reason: str | None = None
    stop_sequence: str | None = None


class MessageStart(msgspec.Struct, tag="message_start", tag_field="type", kw_only=True):
    message: MessageHead


class ContentBlockStart(msgspec.Struct, tag="content_block_start", tag_field="type", kw_only=True):
    index: int
    content_block: dict[str, Any]


class ContentBlockDelta(msgspec.Struct, tag="content_block_delta", tag_field="type", kw_only=True):
    index: int
    delta: Delta


class ContentBlockStop(msgspec.Struct, tag="content_block_stop", tag_field="type", kw_only=True):
    index: int


class MessageDelta(msgspec.Struct, tag="message_delta", tag_field="type", kw_only=True):
    delta: MessageDeltaBody
    usage: Usage | None = None


class MessageStop(msgspec.Struct, tag="message_stop", tag_field="type", kw_only=True):
    pass


class Ping(msgspec.Struct, tag="ping", tag_field="type", kw_only=True):
    pass


class ErrorEvent(msgspec.Struct, tag="error", tag_field="type", kw_only=True):
    error: dict[str, Any]


StreamEvent: TypeAlias = (
    MessageStart | ContentBlockStart | ContentBlockDelta | ContentBlockStop | MessageDelta
    | MessageStop | Ping | ErrorEvent
)

#: Event types this module knows; others (new ones an endpoint may add) are skipped.
KNOWN_TYPES = frozenset({
    "message_start", "content_block_start", "content_block_delta", "content_block_stop",
    "message_delta", "message_stop", "ping", "error",
})


class ContentBlock(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A content block of a non-streamed reply, readable as ``block.type`` / ``block.text``."""

    type: str
    text: str | None = None
    id: str | None = None
    name: str | None = None
    input: dict[str, Any] | None = None
    thinking: str | None = None
    signature: str | None = None
    data: str | None = None

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result


class Message(msgspec.Struct, kw_only=True):
    """A non-streamed reply (``POST /v1/messages`` without ``stream``)."""

    id: str = ""
    model: str = ""
    role: str = "assistant"
    content: list[ContentBlock] = msgspec.field(default_factory=list)
    stop_reason: str | None = None
    stop_sequence: str | None = None
    usage: Usage = msgspec.field(default_factory=Usage)


class TokenCount(msgspec.Struct):
    """The answer of ``POST /v1/messages/count_tokens``."""

    input_tokens: int


# Resolved once, and from the code cache, rather than by msgspec field by field.
for _decoded in (StreamEvent, Message, TokenCount):
    resolve_annotations(_decoded)
event_decoder: msgspec.json.Decoder[StreamEvent] = msgspec.json.Decoder(StreamEvent)
message_decoder = msgspec.json.Decoder(Message)
count_decoder = msgspec.json.Decoder(TokenCount)


def event_from_dict(data: dict[str, Any]) -> StreamEvent | None:
    """A provider's event dict as a Struct; ``None`` for event types this module does not know."""
    if data.get("type") not in KNOWN_TYPES:
        return None
    return msgspec.convert(data, StreamEvent)
