"""Typed events: everything that happens in a session is one of these.

Events are a msgspec tagged union (the ``type`` field) so the transcript, the UI and every
``corral_on_event`` subscriber see the same values, and a JSONL transcript decodes back into
them.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Event(msgspec.Struct, tag_field="type", kw_only=True):
    """Base of every event."""

    #: Seconds since the epoch when the event happened.
    ts: float = 0.0


class SessionStarted(Event, tag="session_started", kw_only=True):
    session_id: str
    cwd: str


class SessionEnded(Event, tag="session_ended", kw_only=True):
    session_id: str


class PluginDisabled(Event, tag="plugin_disabled", kw_only=True):
    """A plugin raised in a hook and was unregistered for the rest of the process."""

    plugin: str
    error: str


class Notice(Event, tag="notice", kw_only=True):
    """A message for the user that is not part of the conversation."""

    level: str = "info"
    text: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)


# --- the turn loop ---------------------------------------------------------------------------


class UserMessage(Event, tag="user_message", kw_only=True):
    """Input entered the conversation: typed by the user, a tick, or a bridge command."""

    text: str
    origin: str = "user"


class ContextAdded(Event, tag="context_added", kw_only=True):
    """Text added to the newest user message before it is sent (finished background jobs,
    worker notifications); recorded so a resumed session sees it too."""

    text: str
    source: str = ""


class TextDelta(Event, tag="text_delta", kw_only=True):
    text: str


class ThinkingDelta(Event, tag="thinking_delta", kw_only=True):
    text: str


class AssistantMessage(Event, tag="assistant_message", kw_only=True):
    """A complete assistant reply as it enters the conversation."""

    content: list[dict[str, Any]]
    stop_reason: str | None = None
    model: str = ""
    #: The endpoint's message id (``message_start``), when it gave one.
    message_id: str = ""
    #: Milliseconds the request took, from sending it to the reply's last event.
    api_ms: float = 0.0


class ToolRequested(Event, tag="tool_requested", kw_only=True):
    tool_use_id: str
    name: str
    input: dict[str, Any]


class PermissionDecided(Event, tag="permission_decided", kw_only=True):
    tool_use_id: str
    name: str
    decision: str
    tier: str
    reason: str
    rule: str | None = None
    source: str | None = None


class ToolStarted(Event, tag="tool_started", kw_only=True):
    tool_use_id: str
    name: str


class ToolFinished(Event, tag="tool_finished", kw_only=True):
    tool_use_id: str
    name: str
    is_error: bool
    duration_ms: float
    #: A short preview of the result for the UI; the full result is in ``ToolResultMessage``.
    summary: str = ""
    meta: dict[str, Any] = msgspec.field(default_factory=dict)


class ToolResultMessage(Event, tag="tool_results", kw_only=True):
    """The tool_result blocks of one round, as they go back to the model."""

    content: list[dict[str, Any]]


class UsageReported(Event, tag="usage", kw_only=True):
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: float | None = None


class RetryScheduled(Event, tag="retry", kw_only=True):
    attempt: int
    delay_s: float
    error: str


class ModelFellBack(Event, tag="model_fallback", kw_only=True):
    """The model stayed overloaded; from here on the session asks ``to_model``
    (``--fallback-model``)."""

    from_model: str
    to_model: str
    #: The last overloaded answer, as the retry line would show it.
    error: str


class Compacted(Event, tag="compaction", kw_only=True):
    strategy: str
    tokens_before: int
    tokens_after: int
    #: The conversation after compaction (so a resumed session starts from it).
    messages: list[dict[str, Any]] = msgspec.field(default_factory=list)


class ErrorOccurred(Event, tag="error", kw_only=True):
    error: str
    kind: str = "error"


class TurnEnded(Event, tag="turn_end", kw_only=True):
    """The model stopped (or a limit was hit); the loop waits for the next input."""

    reason: str
    num_turns: int = 0


def all_event_types() -> tuple[type[Event], ...]:
    """Every event class defined so far (plugins may add their own), for decoding."""
    found: list[type[Event]] = []
    pending: list[type[Event]] = [Event]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            pending.append(sub)
    return tuple(found)
