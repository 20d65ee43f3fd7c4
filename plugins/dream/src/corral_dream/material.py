"""What the synthesize phase reads: recent session transcripts and kairos daily logs.

Only moments that look worth remembering reach the model: user messages with a cue
("remember", "always", "don't", "we decided", ...) and the assistant text just before each,
for context. The same pass counts how often each memory entry was used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import msgspec

_CUE = re.compile(
    r"\b(remember|memori[sz]e|note that|keep in mind|from now on|always|never|don'?t|do not|"
    r"stop|instead|prefer|we decided|decided|decision|convention|actually|wrong|correct(ion)?|"
    r"should(n'?t)?|must)\b",
    re.I,
)
_ID = re.compile(r"\b[0-9a-f]{12}\b")
_CONTEXT_CHARS = 400
_MESSAGE_CHARS = 1500


class Moment(msgspec.Struct, frozen=True, kw_only=True):
    """One excerpt for the model: where it comes from and what was said."""

    source: str
    text: str
    context: str = ""


class Material(msgspec.Struct, kw_only=True):
    moments: list[Moment] = msgspec.field(default_factory=list)
    uses: dict[str, int] = msgspec.field(default_factory=dict)
    sessions: int = 0
    logs: int = 0


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _assistant_text(content: list[dict[str, Any]]) -> str:
    return " ".join(b.get("text", "") for b in content if b.get("type") == "text")


def _count_ids(value: Any, known: set[str], uses: Counter[str]) -> None:
    for found in _ID.findall(msgspec.json.encode(value).decode()):
        if found in known:
            uses[found] += 1


def read_transcript(path: Path, known: set[str], uses: Counter[str]) -> list[Moment]:
    from corral.api import (
        AssistantMessage,
        ToolRequested,
        ToolResultMessage,
        UserMessage,
        read_events,
    )

    try:
        events, _torn = read_events(path)
    except OSError:
        return []
    moments: list[Moment] = []
    last_assistant = ""
    for event in events:
        if isinstance(event, AssistantMessage):
            last_assistant = _assistant_text(event.content) or last_assistant
        elif isinstance(event, UserMessage):
            if event.origin == "user" and _CUE.search(event.text):
                moments.append(Moment(source=f"session {path.stem}",
                                      text=_short(event.text, _MESSAGE_CHARS),
                                      context=_short(last_assistant, _CONTEXT_CHARS)))
        elif isinstance(event, ToolRequested) and event.name == "Memory":
            _count_ids(event.input, known, uses)
        elif isinstance(event, ToolResultMessage):
            _count_ids(event.content, known, uses)
    return moments


def transcripts_since(cwd: Path, since: float | None, limit: int) -> list[Path]:
    from corral.api import iter_transcripts

    found: list[Path] = []
    for path in iter_transcripts(cwd):
        if len(found) >= limit:
            break
        try:
            if since is not None and path.stat().st_mtime <= since:
                break  # newest first: the rest is older
        except OSError:
            continue
        found.append(path)
    return found


def daily_log_files(root: Path, since: float | None) -> list[Path]:
    """The project's daily logs (written by kairos, or any plugin), newest first."""
    from corral.api import daily_log_files

    return daily_log_files(root, since)


def read_log(path: Path) -> list[Moment]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [Moment(source=f"kairos log {path.stem}", text=_short(line.lstrip("- "),
                                                                 _MESSAGE_CHARS))
            for line in lines if line.startswith("- ") and _CUE.search(line)]


def collect(cwd: Path, root: Path, since: float | None, limit: int,
            known: Iterable[str]) -> Material:
    known_ids = set(known)
    uses: Counter[str] = Counter()
    material = Material()
    for path in transcripts_since(cwd, since, limit):
        material.moments.extend(read_transcript(path, known_ids, uses))
        material.sessions += 1
    for path in daily_log_files(root, since):
        material.moments.extend(read_log(path))
        material.logs += 1
    material.uses = dict(uses)
    return material
