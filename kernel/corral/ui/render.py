"""Showing a session's events in the terminal: streamed markdown, one line per tool call."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from corral.events import (
    AssistantMessage,
    Compacted,
    ErrorOccurred,
    Event,
    ModelFellBack,
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


def shorten(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters: cut after a whole word and marked
    with an ellipsis when it is longer (a single longer word is cut inside, marked too)."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    cut = line[: width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


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
    """A session listener that draws events.

    During a turn one transient live area sits under the output: the streaming reply (its
    last lines) or a spinner, and below it the status renderables plugins return through
    ``corral_status`` (redrawn about four times a second, so an animated pet moves). Lines
    printed meanwhile (tool calls, the finished reply) go above it and stay; when the turn
    ends the live area is erased, leaving only what was printed.
    """

    def __init__(self, console: Console, status: Callable[[], list[Any]] | None = None) -> None:
        self.console = console
        self.status = status
        self.text = ""
        self.live: Live | None = None
        self.mode = "idle"  # idle | waiting | streaming
        #: The session being shown (for its todo list); set by the REPL.
        self.session: Any = None
        #: While a retry waits: when it is sent (monotonic) and which attempt it is.
        self.retry_at = 0.0
        self.retry_attempt = 0
        #: The text of the last error shown, so the REPL does not print it twice.
        self.last_error = ""

    # -- the live area --------------------------------------------------------------------

    def _render(self) -> Any:
        from rich.console import Group

        parts: list[Any] = []
        if self.mode == "streaming" and self.text:
            from rich.markdown import Markdown

            room = max(3, self.console.size.height - 10)
            lines = self.text.splitlines()
            parts.append(Markdown("\n".join(lines[-room:])))
        elif self.mode == "waiting":
            from rich.spinner import Spinner

            left = self.retry_at - time.monotonic()
            if left > 0:
                text = f"waiting {math.ceil(left)}s before retry {self.retry_attempt}…"
            else:
                text = "thinking…"
            parts.append(Spinner("dots", text=text))
        if self.status is not None:
            try:
                parts.extend(self.status())
            except Exception as exc:  # the status area must never break the turn
                parts.append(f"[dim](status unavailable: {exc})[/]")
        return Group(*parts)

    def _ensure_live(self) -> None:
        if self.live is None:
            from rich.live import Live

            self.live = Live(console=self.console, get_renderable=self._render,
                             refresh_per_second=4, transient=True, redirect_stdout=False,
                             redirect_stderr=False)
            self.live.start()

    def start_waiting(self) -> None:
        self.mode = "waiting"
        self._ensure_live()

    def stop_waiting(self) -> None:
        if self.mode == "waiting":
            self.mode = "idle"

    def _flush_text(self) -> None:
        """Print the finished reply above the live area, where it stays."""
        if self.text.strip():
            from rich.markdown import Markdown

            self.console.print(Markdown(self.text))
        self.text = ""
        if self.mode == "streaming":
            self.mode = "idle"

    def pause(self) -> None:
        """Stop the live area (before a prompt is shown, and when the turn ends)."""
        self._flush_text()
        self.mode = "idle"
        if self.live is not None:
            self.live.stop()
            self.live = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self.mode = "streaming"
            self.text += event.text
            self._ensure_live()
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
            self.text = ""  # a cut reply is sent again whole
            self.console.print(f"[yellow]retry {event.attempt} in {event.delay_s:.1f}s[/] "
                               f"({event.error})", highlight=False)
            self.retry_at = time.monotonic() + event.delay_s
            self.retry_attempt = event.attempt
            self.start_waiting()
        elif isinstance(event, ModelFellBack):
            self.console.print(f"[yellow]{event.from_model} stayed overloaded; continuing with "
                               f"{event.to_model}[/]", highlight=False)
        elif isinstance(event, Compacted):
            self.console.print(f"[dim]compacted ({event.strategy}): {event.tokens_before} → "
                               f"{event.tokens_after} tokens[/]")
        elif isinstance(event, Notice) and event.level in ("warning", "error"):
            colour = "red" if event.level == "error" else "yellow"
            self.console.print(f"[{colour}]{event.level}[/]: {event.text}", highlight=False)
        elif isinstance(event, ErrorOccurred):
            self._flush_text()
            self.last_error = event.error
            self.console.print(f"[red]{event.kind}[/]: {event.error}", highlight=False)
        elif isinstance(event, TurnEnded):
            self.pause()
