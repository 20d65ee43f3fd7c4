"""``--output-format stream-json``: Claude Code's stream message shapes, one JSON object a
line, so tools written against Claude Code's stream (SDK wrappers, CI actions) read corral's.

The lines are ``system``/``init`` first, then an ``assistant`` line per model reply and a
``user`` line per batch of tool results, and the ``result`` object last. corral's own
events stay available as ``--output-format corral-events``.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, TextIO

import msgspec

from corral.events import (
    AssistantMessage,
    Event,
    ModelFellBack,
    ToolResultMessage,
    UsageReported,
)
from corral.internal_plugins.skills import catalogue
from corral.session import Session

#: Which field of a ``content_block_delta``'s delta carries its content, by delta type.
_DELTA_FIELDS = {"text_delta": "text", "input_json_delta": "partial_json",
                 "thinking_delta": "thinking", "signature_delta": "signature",
                 "citations_delta": "citation"}


def raw_event(event: Any) -> dict[str, Any] | None:
    """A Messages API stream event (a :data:`corral.transport.events.StreamEvent`) in the
    API's own JSON shape; ``None`` for keep-alive pings."""
    from corral.transport.events import ContentBlockDelta, MessageStart, Ping

    if isinstance(event, Ping):
        return None
    obj: dict[str, Any] = msgspec.to_builtins(event)
    if isinstance(event, ContentBlockDelta):
        delta = {"type": event.delta.type}
        field = _DELTA_FIELDS.get(event.delta.type)
        if field is not None:
            delta[field] = getattr(event.delta, field)
        obj["delta"] = delta
    elif isinstance(event, MessageStart):
        head = event.message
        obj["message"] = {
            "id": head.id, "type": "message", "role": "assistant", "model": head.model,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": msgspec.to_builtins(head.usage) if head.usage is not None else {},
        }
    return obj


def _encode(obj: Any) -> str:
    return msgspec.json.encode(obj).decode()


def _slash_commands(session: Session) -> list[str]:
    from corral.custom_commands import session_commands

    names: set[str] = set()
    try:
        names.update(session_commands(session)[0])
    except Exception:  # a broken command file must not stop the run; the REPL reports it
        pass
    for _, command in session.app.host.register_commands(session):
        names.add(command.name)
    found = catalogue(session)
    if found is not None:
        names.update(s.name for s in found.skills.values() if s.user_invocable)
    return sorted(names)


def _skills(session: Session) -> list[str]:
    """The skills the session found (none are looked for without a skill folder)."""
    found = catalogue(session)
    return sorted(found.skills) if found is not None else []


def mcp_servers(session: Session) -> list[dict[str, str]]:
    """The MCP servers of the session and how each stands: as the plugins running them
    report (``corral_mcp_status``: still starting, failed, …), and any other server whose
    tools (``mcp__<server>__<tool>``) the session has, as connected."""
    status = {s.name: s.status for s in session.app.host.mcp_status(session)}
    for name in session.tools:
        if name.startswith("mcp__") and name.count("__") >= 2:
            status.setdefault(name.split("__")[1], "connected")
    return [{"name": name, "status": status[name]} for name in sorted(status)]


class ClaudeStream:
    """A session listener that writes Claude Code stream-json lines to ``out``."""

    def __init__(self, session: Session, out: TextIO, *, partial: bool = False) -> None:
        self.session = session
        self.out = out
        self.usage: dict[str, int] = {}
        self.api_ms = 0.0
        if partial:
            session.raw_stream = self.stream_event

    def stream_event(self, event: Any) -> None:
        """``--include-partial-messages``: one ``stream_event`` line per raw stream event of
        a model reply, as it arrives (the reply's ``assistant`` line follows as ever)."""
        raw = raw_event(event)
        if raw is not None:
            self.write({"type": "stream_event", "event": raw, "session_id": self.session.id,
                        "parent_tool_use_id": None, "uuid": str(uuid.uuid4())})

    def write(self, obj: dict[str, Any]) -> None:
        self.out.write(_encode(obj) + "\n")
        self.out.flush()

    def init(self) -> None:
        """The ``system``/``init`` line; written once the session has started."""
        session = self.session
        self.write({
            "type": "system", "subtype": "init", "session_id": session.id,
            "cwd": str(session.cwd), "tools": sorted(session.tools),
            "model": session.model, "permissionMode": session.permission_mode,
            "mcp_servers": mcp_servers(session),
            "apiKeySource": "ANTHROPIC_API_KEY" if os.environ.get("ANTHROPIC_API_KEY")
            else "ANTHROPIC_AUTH_TOKEN" if os.environ.get("ANTHROPIC_AUTH_TOKEN") else "none",
            "slash_commands": _slash_commands(session),
            "skills": _skills(session),
        })

    def __call__(self, event: Event) -> None:
        if isinstance(event, UsageReported):
            self.usage = {
                "input_tokens": event.input_tokens, "output_tokens": event.output_tokens,
                "cache_creation_input_tokens": event.cache_creation_input_tokens,
                "cache_read_input_tokens": event.cache_read_input_tokens,
            }
        elif isinstance(event, AssistantMessage):
            self.api_ms += event.api_ms
            self.write({
                "type": "assistant",
                "message": {
                    "id": event.message_id or f"msg_{uuid.uuid4().hex[:24]}", "type": "message",
                    "role": "assistant", "model": event.model or self.session.model,
                    "content": event.content, "stop_reason": event.stop_reason,
                    "stop_sequence": None, "usage": self.usage,
                },
                "parent_tool_use_id": None, "session_id": self.session.id,
            })
            self.usage = {}
        elif isinstance(event, ModelFellBack):
            self.write({
                "type": "system", "subtype": "model_fallback", "session_id": self.session.id,
                "from_model": event.from_model, "to_model": event.to_model,
                "reason": event.error,
            })
        elif isinstance(event, ToolResultMessage):
            self.write({
                "type": "user",
                "message": {"role": "user", "content": [_tool_result(b) for b in event.content]},
                "parent_tool_use_id": None, "session_id": self.session.id,
            })

    def result(self, result: Any) -> None:
        """The last line: corral's ``--output-format json`` result object, plus
        ``duration_api_ms`` (the time the conversation's model requests took, each measured
        from sending it to its reply's last event)."""
        obj = msgspec.to_builtins(result)
        obj["duration_api_ms"] = round(self.api_ms, 1)
        self.write(obj)


def _tool_result(block: dict[str, Any]) -> dict[str, Any]:
    out = dict(block)
    out.setdefault("type", "tool_result")
    out.setdefault("is_error", False)
    return out
