"""Writing the Messages-shaped stream events the engine reads, from any wire format."""

from __future__ import annotations

import uuid
from typing import Any

Event = dict[str, Any]


def new_call_id() -> str:
    """An id for a tool call the server sent without one."""
    return f"call_{uuid.uuid4().hex[:24]}"


class MessageEvents:
    """Turns text, reasoning and tool calls into ``message_start`` … ``message_stop``.

    Text and reasoning stream as deltas of the open block; a change of kind closes it and
    opens the next. Tool calls are written whole (start, one input delta, stop).
    """

    def __init__(self) -> None:
        self._index = -1
        self._open: str | None = None
        self.started = False
        self.stopped = False

    def start(self, model: str, usage: dict[str, int] | None = None) -> list[Event]:
        if self.started:
            return []
        self.started = True
        return [
            {
                "type": "message_start",
                "message": {
                    "model": model,
                    "usage": usage or {"input_tokens": 0, "output_tokens": 0},
                },
            }
        ]

    def _switch(self, kind: str, block: dict[str, Any]) -> list[Event]:
        events = self._close()
        self._index += 1
        self._open = kind
        events.append({"type": "content_block_start", "index": self._index, "content_block": block})
        return events

    def _close(self) -> list[Event]:
        if self._open is None:
            return []
        self._open = None
        return [{"type": "content_block_stop", "index": self._index}]

    def text(self, piece: str) -> list[Event]:
        if not piece:
            return []
        events = [] if self._open == "text" else self._switch("text", {"type": "text", "text": ""})
        events.append(
            {
                "type": "content_block_delta",
                "index": self._index,
                "delta": {"type": "text_delta", "text": piece},
            }
        )
        return events

    def thinking(self, piece: str) -> list[Event]:
        if not piece:
            return []
        events = (
            []
            if self._open == "thinking"
            else self._switch("thinking", {"type": "thinking", "thinking": "", "signature": ""})
        )
        events.append(
            {
                "type": "content_block_delta",
                "index": self._index,
                "delta": {"type": "thinking_delta", "thinking": piece},
            }
        )
        return events

    def tool_call(self, call_id: str, name: str, arguments: str) -> list[Event]:
        block = {"type": "tool_use", "id": call_id or new_call_id(), "name": name, "input": {}}
        events = self._switch("tool_use", block)
        if arguments:
            events.append(
                {
                    "type": "content_block_delta",
                    "index": self._index,
                    "delta": {"type": "input_json_delta", "partial_json": arguments},
                }
            )
        events.extend(self._close())
        return events

    def finish(self, stop_reason: str, usage: dict[str, int]) -> list[Event]:
        events = self._close()
        self.stopped = True
        events.append(
            {"type": "message_delta", "delta": {"stop_reason": stop_reason}, "usage": usage}
        )
        events.append({"type": "message_stop"})
        return events
