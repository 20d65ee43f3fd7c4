"""Showing a session's events in the terminal: streamed markdown, one line per tool call."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from corral.events import (
    AssistantMessage,
    Compacted,
    ErrorOccurred,
    Event,
    Notice,
    PermissionDecided,
    RetryScheduled,
    TextDelta,
    ToolFinished,
    ToolRequested,
    TurnEnded,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live


def tool_line(name: str, data: dict[str, Any]) -> str:
    """``Read(src/app.py)``: the tool and its most telling argument."""
    for key in ("command", "file_path", "pattern", "url", "path", "description"):
        value = data.get(key)
        if isinstance(value, str) and value:
            short = value if len(value) <= 80 else value[:77] + "..."
            return f"{name}({short})"
    text = json.dumps(data)[:80]
    return f"{name}({text})"


class EventRenderer:
    """A session listener that draws events; streaming text goes through a rich Live."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.text = ""
        self.live: Live | None = None
        self.waiting: Any = None
        #: The session being shown (for its todo list); set by the REPL.
        self.session: Any = None

    def start_waiting(self) -> None:
        self.stop_waiting()
        self.waiting = self.console.status("thinking…", spinner="dots")
        self.waiting.start()

    def stop_waiting(self) -> None:
        if self.waiting is not None:
            self.waiting.stop()
            self.waiting = None

    def _flush_text(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None
        self.text = ""

    def pause(self) -> None:
        """Stop every live display (before a prompt is shown)."""
        self.stop_waiting()
        self._flush_text()

    def __call__(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self.stop_waiting()
            from rich.markdown import Markdown

            self.text += event.text
            if self.live is None:
                from rich.live import Live

                self.live = Live(console=self.console, refresh_per_second=12,
                                 vertical_overflow="visible")
                self.live.start()
            self.live.update(Markdown(self.text))
        elif isinstance(event, AssistantMessage):
            self._flush_text()
        elif isinstance(event, ToolRequested):
            self.stop_waiting()
            self.console.print(f"[bold cyan]●[/] {tool_line(event.name, event.input)}",
                               highlight=False)
        elif isinstance(event, PermissionDecided) and event.decision == "deny":
            self.console.print(f"  [red]⎿ denied[/]: {event.reason}", highlight=False)
        elif isinstance(event, ToolFinished):
            first = event.summary.strip().splitlines()[0] if event.summary.strip() else ""
            colour = "red" if event.is_error else "dim"
            self.console.print(f"  [{colour}]⎿ {first[:100]}[/]", highlight=False)
            if event.name == "TodoWrite" and not event.is_error and self.session is not None:
                from corral.tools.builtin.todo import todos_of

                self.console.print(todos_of(self.session))
            self.start_waiting()
        elif isinstance(event, RetryScheduled):
            self.console.print(f"[yellow]retrying in {event.delay_s:.1f}s[/] ({event.error})",
                               highlight=False)
        elif isinstance(event, Compacted):
            self.console.print(f"[dim]compacted ({event.strategy}): {event.tokens_before} → "
                               f"{event.tokens_after} tokens[/]")
        elif isinstance(event, Notice) and event.level in ("warning", "error"):
            self.stop_waiting()
            colour = "red" if event.level == "error" else "yellow"
            self.console.print(f"[{colour}]{event.level}[/]: {event.text}", highlight=False)
        elif isinstance(event, ErrorOccurred):
            self.pause()
            self.console.print(f"[red]{event.kind}[/]: {event.error}", highlight=False)
        elif isinstance(event, TurnEnded):
            self.pause()
