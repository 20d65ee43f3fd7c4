"""What the test server answers: typed replies and the builders that make them.

A test scripts :class:`~corral.testing.MessagesServer` with replies built here::

    server.enqueue(
        text("Let me look."),
        tool_use("Read", {"file_path": "a.py"}),
        error(529),
        text("done").slow(0.01),
    )

Two reply kinds exist. :class:`MessageReply` is an assistant message; the server sends it as
server-sent events when the request asked for ``stream: true`` and as one JSON object otherwise.
:class:`ErrorReply` is an HTTP error in the API's JSON error shape. Both are frozen msgspec
Structs; the fault helpers (:meth:`MessageReply.slow`, :meth:`MessageReply.cut`, ``delayed``)
return changed copies.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias

import msgspec

StopReason: TypeAlias = Literal[
    "end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"
]

#: The ``error.type`` the API uses for each HTTP status the server can answer.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}

_DEFAULT_MESSAGES: dict[int, str] = {
    400: "invalid request (scripted by corral.testing)",
    401: "invalid x-api-key",
    402: "your credit balance is too low",
    403: "your API key does not have permission to use the specified resource",
    404: "the requested resource could not be found",
    413: "request exceeds the maximum allowed number of bytes",
    429: "rate limit exceeded (scripted by corral.testing)",
    500: "internal server error (scripted by corral.testing)",
    504: "request timed out",
    529: "overloaded (scripted by corral.testing)",
}


class TextBlock(msgspec.Struct, frozen=True, tag="text"):
    """A ``text`` content block."""

    text: str


class ToolUseBlock(msgspec.Struct, frozen=True, tag="tool_use"):
    """A ``tool_use`` content block; ``id`` is generated (``toolu_…``) when left ``None``."""

    name: str
    input: dict[str, Any]
    id: str | None = None


class ThinkingBlock(msgspec.Struct, frozen=True, tag="thinking"):
    """A ``thinking`` block: streamed as thinking deltas followed by one signature delta."""

    thinking: str
    signature: str = "c2lnbmVkLWJ5LWNvcnJhbC10ZXN0aW5n"


class RedactedThinkingBlock(msgspec.Struct, frozen=True, tag="redacted_thinking"):
    """A ``redacted_thinking`` block: sent whole in its ``content_block_start`` event."""

    data: str


class ServerToolUseBlock(msgspec.Struct, frozen=True, tag="server_tool_use"):
    """A ``server_tool_use`` block: a tool the API ran itself (``web_search``); streamed like
    a tool_use. ``id`` is generated (``srvtoolu_…``) when left ``None``."""

    name: str
    input: dict[str, Any]
    id: str | None = None


class WebSearchResultBlock(msgspec.Struct, frozen=True, tag="web_search_tool_result"):
    """A ``web_search_tool_result`` block, sent whole: ``results`` as ``(url, title)`` pairs,
    or ``error_code`` (``max_uses_exceeded``, ``unavailable`` …) for a failed search.
    ``tool_use_id`` defaults to the id of the ``server_tool_use`` block before it."""

    results: tuple[tuple[str, str], ...] = ()
    error_code: str | None = None
    tool_use_id: str | None = None


Block: TypeAlias = (TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock
                    | ServerToolUseBlock | WebSearchResultBlock)


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    """Token counts of a reply; a ``None`` count is estimated from the request or the content.

    ``input_tokens`` defaults to the server's count_tokens estimate of the request and
    ``output_tokens`` to a quarter of the characters of the reply's content (at least 1).
    """

    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


class ErrorReply(msgspec.Struct, frozen=True, kw_only=True):
    """An HTTP error in the API's shape: ``{"type": "error", "error": {"type", "message"}}``.

    ``retry_after`` (seconds) is sent as the ``retry-after`` header; ``headers`` adds more.
    ``code`` is the machine-readable ``error.code`` the OpenAI-format server sends.
    """

    status: int
    type: str
    message: str
    code: str | None = None
    retry_after: float | None = None
    headers: dict[str, str] = {}
    first_byte_delay: float = 0.0

    def delayed(self, first_byte_delay: float) -> ErrorReply:
        """A copy whose first byte is sent after ``first_byte_delay`` seconds."""
        return msgspec.structs.replace(self, first_byte_delay=first_byte_delay)


class MessageReply(msgspec.Struct, frozen=True, kw_only=True):
    """An assistant message, streamed or sent as JSON depending on the request.

    Attributes:
        content: The content blocks, in order.
        stop_reason: ``None`` means ``"tool_use"`` when a tool block is present, else
            ``"end_turn"``.
        stop_sequence: Reported with ``stop_reason="stop_sequence"``.
        usage: Token counts (see :class:`Usage`).
        model: The model reported back; ``None`` echoes the request's ``model``.
        id: The message id; ``None`` generates ``msg_…``.
        chunk_size: Characters per text, thinking and tool-input delta when streaming.
        first_byte_delay: Seconds to wait before the status line is sent.
        event_delay: Seconds to wait before each event after the first (a slow stream).
        cut_after_events: Close the connection after this many events (pings count), in the
            middle of the message. For a JSON reply: after this many bytes of the body.
        stream_error: With ``cut_after_events``, send this error as an SSE ``error`` event at
            the cut and end the stream cleanly instead of dropping the connection.
    """

    content: tuple[Block, ...]
    stop_reason: StopReason | None = None
    stop_sequence: str | None = None
    usage: Usage = Usage()
    model: str | None = None
    id: str | None = None
    chunk_size: int = 8
    first_byte_delay: float = 0.0
    event_delay: float = 0.0
    cut_after_events: int | None = None
    stream_error: ErrorReply | None = None

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {self.chunk_size}")
        if self.cut_after_events is not None and self.cut_after_events < 0:
            raise ValueError(f"cut_after_events must be >= 0, got {self.cut_after_events}")

    @property
    def effective_stop_reason(self) -> StopReason:
        """The stop reason sent: the scripted one, else derived from the content."""
        if self.stop_reason is not None:
            return self.stop_reason
        if any(isinstance(block, ToolUseBlock) for block in self.content):
            return "tool_use"
        return "end_turn"

    def slow(self, event_delay: float) -> MessageReply:
        """A copy that waits ``event_delay`` seconds between streamed events."""
        return msgspec.structs.replace(self, event_delay=event_delay)

    def delayed(self, first_byte_delay: float) -> MessageReply:
        """A copy whose first byte is sent after ``first_byte_delay`` seconds."""
        return msgspec.structs.replace(self, first_byte_delay=first_byte_delay)

    def cut(self, after_events: int, *, error: ErrorReply | None = None) -> MessageReply:
        """A copy whose stream stops after ``after_events`` events.

        Without ``error`` the connection is dropped mid-message; with it, an SSE ``error``
        event carrying that error ends the stream (as the API does when it overloads mid-reply).
        """
        return msgspec.structs.replace(self, cut_after_events=after_events, stream_error=error)

    def with_usage(self, **counts: int) -> MessageReply:
        """A copy with the given :class:`Usage` counts replaced."""
        return msgspec.structs.replace(self, usage=msgspec.structs.replace(self.usage, **counts))


Reply: TypeAlias = MessageReply | ErrorReply


# --- block builders ---------------------------------------------------------------------------


def text_block(text: str) -> TextBlock:
    """A text block, for :func:`message`."""
    return TextBlock(text)


def tool_block(name: str, input: dict[str, Any], *, id: str | None = None) -> ToolUseBlock:
    """A tool_use block, for :func:`message`."""
    return ToolUseBlock(name, input, id)


def thinking_block(thinking: str, *, signature: str | None = None) -> ThinkingBlock:
    """A thinking block, for :func:`message`."""
    if signature is None:
        return ThinkingBlock(thinking)
    return ThinkingBlock(thinking, signature)


# --- reply builders ---------------------------------------------------------------------------


def message(
    *blocks: Block | str,
    stop_reason: StopReason | None = None,
    usage: Usage | None = None,
    model: str | None = None,
) -> MessageReply:
    """A message made of several blocks; a plain ``str`` stands for a text block."""
    content = tuple(TextBlock(b) if isinstance(b, str) else b for b in blocks)
    return MessageReply(
        content=content, stop_reason=stop_reason, usage=usage or Usage(), model=model
    )


def text(
    text: str,
    *,
    stop_reason: StopReason | None = None,
    usage: Usage | None = None,
    model: str | None = None,
) -> MessageReply:
    """A message holding one text block (``stop_reason`` ``end_turn`` unless given)."""
    return message(TextBlock(text), stop_reason=stop_reason, usage=usage, model=model)


def tool_use(
    name: str,
    input: dict[str, Any],
    *,
    id: str | None = None,
    preamble: str | None = None,
    usage: Usage | None = None,
) -> MessageReply:
    """A message calling one tool (``stop_reason`` ``tool_use``), after optional ``preamble`` text."""
    blocks: list[Block] = [TextBlock(preamble)] if preamble else []
    blocks.append(ToolUseBlock(name, input, id))
    return message(*blocks, usage=usage)


def web_search(
    query: str,
    results: list[tuple[str, str]] | None = None,
    answer: str = "",
    *,
    error_code: str | None = None,
    usage: Usage | None = None,
) -> MessageReply:
    """A message in which the API searched the web (``server_tool_use`` ``web_search`` with
    ``query``), found ``results`` (``(url, title)`` pairs) or failed with ``error_code``, and
    then wrote ``answer``."""
    blocks: list[Block] = [
        ServerToolUseBlock("web_search", {"query": query}),
        WebSearchResultBlock(results=tuple(results or ()), error_code=error_code),
    ]
    if answer:
        blocks.append(TextBlock(answer))
    return message(*blocks, usage=usage)


def thinking(thought: str, answer: str, *, usage: Usage | None = None) -> MessageReply:
    """A message with a thinking block followed by a text answer."""
    return message(ThinkingBlock(thought), TextBlock(answer), usage=usage)


def error(
    status: int,
    message: str | None = None,
    *,
    type: str | None = None,
    retry_after: float | None = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
) -> ErrorReply:
    """An error reply; ``type`` and ``message`` default to the API's for ``status``."""
    error_type = type or ERROR_TYPES.get(status, "api_error")
    text_ = message or _DEFAULT_MESSAGES.get(status, f"error {status} (scripted)")
    return ErrorReply(
        status=status,
        type=error_type,
        message=text_,
        code=code,
        retry_after=retry_after,
        headers=dict(headers or {}),
    )


def prompt_too_long(tokens: int = 210_000, limit: int = 200_000) -> ErrorReply:
    """A 400 whose message has the API's wording for a prompt over the context window."""
    return error(400, f"prompt is too long: {tokens} tokens > {limit} maximum")


def context_length_exceeded(tokens: int = 140_000, limit: int = 131_072) -> ErrorReply:
    """A 400 with the OpenAI-format wording and code for a prompt over the context window."""
    return error(
        400,
        f"This model's maximum context length is {limit} tokens. However, your messages "
        f"resulted in {tokens} tokens. Please reduce the length of the messages.",
        type="invalid_request_error",
        code="context_length_exceeded",
    )


def model_not_found(model: str = "no-such-model") -> ErrorReply:
    """A 404 saying the requested model does not exist (OpenAI-format code)."""
    return error(
        404,
        f"The model `{model}` does not exist or you do not have access to it.",
        type="invalid_request_error",
        code="model_not_found",
    )


def rate_limited(retry_after: float | None = 0) -> ErrorReply:
    """A 429 ``rate_limit_error`` with a ``retry-after`` header."""
    return error(429, retry_after=retry_after)


def overloaded(retry_after: float | None = None) -> ErrorReply:
    """A 529 ``overloaded_error``."""
    return error(529, retry_after=retry_after)


def cut_stream(
    after_events: int = 3, reply: MessageReply | None = None, *, error: ErrorReply | None = None
) -> MessageReply:
    """``reply`` (default: a short text message) cut after ``after_events`` events."""
    base = reply or text("this reply is cut before it ends")
    return base.cut(after_events, error=error)


def slow(reply: MessageReply, event_delay: float) -> MessageReply:
    """``reply`` streamed with ``event_delay`` seconds between events."""
    return reply.slow(event_delay)


def delayed(reply: Reply, first_byte_delay: float) -> Reply:
    """``reply`` whose first byte is sent after ``first_byte_delay`` seconds."""
    return reply.delayed(first_byte_delay)
