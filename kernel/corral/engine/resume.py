"""Rebuilding a session's conversation from its transcript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from corral.engine.stream import Usage
from corral.engine.transcript import iter_transcripts, read_events
from corral.errors import CorralError
from corral.events import (
    AssistantMessage,
    Compacted,
    ContextAdded,
    SessionStarted,
    ToolResultMessage,
    UsageReported,
    UserMessage,
)
from corral.messages import with_text
from corral.session import RunTotals


class ResumeError(CorralError):
    exit_code = 2


class Restored(msgspec.Struct, kw_only=True):
    session_id: str
    messages: list[dict[str, Any]]
    num_turns: int
    cost_usd: float | None
    first_prompt: str
    warnings: list[str]
    #: Tokens of every model request the transcript recorded.
    usage: Usage = msgspec.field(default_factory=Usage)

    def totals(self) -> RunTotals:
        """The session's totals to go on from (requests, cost and tokens so far)."""
        return RunTotals(num_turns=self.num_turns, cost_usd=self.cost_usd,
                         usage=msgspec.structs.replace(self.usage))


def find_transcript(cwd: Path, session_id: str | None) -> Path:
    """The transcript to resume: the named session, or the newest one of this project."""
    for path in iter_transcripts(cwd):
        if session_id is None or path.stem == session_id or path.stem.startswith(session_id):
            return path
    if session_id is None:
        raise ResumeError("no earlier session in this directory to continue")
    raise ResumeError(f"no session {session_id!r} in this directory; `corral sessions` lists them")


def restore(path: Path) -> Restored:
    """Replay the events of ``path`` into messages. A torn line (a kill -9 mid-write) is
    skipped with a warning; nothing before it is lost."""
    events, bad = read_events(path)
    warnings = [f"{path}:{b.line_number}: skipped a damaged line ({b.problem})" for b in bad]
    messages: list[dict[str, Any]] = []
    turns = 0
    cost: float | None = None
    usage = Usage()
    first = ""
    session_id = path.stem
    for event in events:
        if isinstance(event, SessionStarted):
            session_id = event.session_id
        elif isinstance(event, UserMessage):
            messages.append({"role": "user", "content": event.text})
            first = first or event.text
        elif isinstance(event, AssistantMessage):
            messages.append({"role": "assistant", "content": event.content})
            turns += 1
        elif isinstance(event, ToolResultMessage):
            messages.append({"role": "user", "content": event.content})
        elif isinstance(event, UsageReported):
            usage.add(Usage(
                input_tokens=event.input_tokens, output_tokens=event.output_tokens,
                cache_creation_input_tokens=event.cache_creation_input_tokens,
                cache_read_input_tokens=event.cache_read_input_tokens,
            ))
            if event.cost_usd is not None:
                cost = (cost or 0.0) + event.cost_usd
        elif isinstance(event, ContextAdded) and messages and messages[-1]["role"] == "user":
            messages[-1]["content"] = with_text(messages[-1]["content"], event.text)
        elif isinstance(event, Compacted) and event.messages:
            messages = [dict(m) for m in event.messages]
    _close_open_tool_calls(messages)
    return Restored(session_id=session_id, messages=messages, num_turns=turns, cost_usd=cost,
                    first_prompt=first, warnings=warnings, usage=usage)


def _close_open_tool_calls(messages: list[dict[str, Any]]) -> None:
    """A process killed while tools ran leaves tool calls without results: answer them, and
    drop a trailing user message that has no reply only if it would break alternation."""
    if messages and messages[-1]["role"] == "assistant":
        uses = [b for b in messages[-1]["content"] if b.get("type") == "tool_use"]
        if uses:
            messages.append({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": u["id"], "is_error": True,
                 "content": "The session ended before this tool call finished."}
                for u in uses]})
