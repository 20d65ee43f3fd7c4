"""Text mode's side channel: what a headless run says on stderr besides its answer.

Always: one line per refused tool call, per retry and for a switch to the fallback model, so a run that printed only "Done."
still says what it could not do and why it waited. With ``--verbose`` also: the session it
runs in, each tool call with its outcome, what the model said before calling tools, each
compaction, and a closing line with turns, time, tokens and cost. stdout holds the answer
alone either way.
"""

from __future__ import annotations

from typing import Any, TextIO

from corral.events import (
    AssistantMessage,
    Compacted,
    Event,
    ModelFellBack,
    PermissionDecided,
    RetryScheduled,
    ToolFinished,
    ToolRequested,
)


class StderrNotes:
    """A session listener writing ``corral: ...`` lines to ``out``."""

    def __init__(self, out: TextIO, *, verbose: bool = False) -> None:
        self.out = out
        self.verbose = verbose
        self.requested: dict[str, str] = {}

    def say(self, text: str) -> None:
        self.out.write(f"corral: {text}\n")
        self.out.flush()

    def __call__(self, event: Event) -> None:
        if isinstance(event, ToolRequested):
            from corral.ui.render import tool_line

            self.requested[event.tool_use_id] = tool_line(event.name, event.input)
        elif isinstance(event, PermissionDecided) and event.decision == "deny":
            call = self.requested.get(event.tool_use_id, event.name)
            self.say(f"refused {call}: {event.reason}")
        elif isinstance(event, RetryScheduled):
            self.say(f"retry {event.attempt} in {event.delay_s:.1f}s after {event.error}")
        elif isinstance(event, ModelFellBack):
            self.say(f"{event.from_model} stayed overloaded; continuing with the fallback "
                     f"model {event.to_model}")
        elif self.verbose:
            self._verbose(event)

    def _verbose(self, event: Event) -> None:
        if isinstance(event, ToolFinished):
            call = self.requested.get(event.tool_use_id, event.name)
            outcome = "error" if event.is_error else "ok"
            summary = f": {event.summary}" if event.summary else ""
            self.say(f"ran {call}: {outcome} in {event.duration_ms:.0f} ms{summary}")
        elif isinstance(event, AssistantMessage) and event.stop_reason == "tool_use":
            # the final reply goes to stdout; words said on the way would otherwise be lost
            words = "\n".join(str(b.get("text", "")) for b in event.content
                              if b.get("type") == "text").strip()
            if words:
                self.say(f"assistant: {words}")
        elif isinstance(event, Compacted):
            self.say(f"compacted the conversation ({event.strategy}): {event.tokens_before} "
                     f"-> {event.tokens_after} tokens")

    def started(self, session: Any) -> None:
        """``--verbose``: the line that opens the run."""
        if self.verbose:
            self.say(f"session {session.id} in {session.cwd}; model {session.model}, "
                     f"permission mode {session.permission_mode}")

    def finished(self, result: Any) -> None:
        """``--verbose``: the closing line, from the run's result object."""
        if not self.verbose:
            return
        cost = ("cost unknown" if result.total_cost_usd is None
                else f"${result.total_cost_usd:.4f}")
        usage = result.usage
        self.say(f"{result.subtype}: {result.num_turns} turns in {result.duration_ms / 1000:.1f}"
                 f" s; {usage.get('input_tokens', 0)} input and "
                 f"{usage.get('output_tokens', 0)} output tokens; {cost}")
