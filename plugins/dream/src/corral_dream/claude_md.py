"""The dream-managed section of the project's ``CLAUDE.md``.

Only the lines between the two markers belong to the dream; everything outside them is
kept byte for byte. A CLAUDE.md without markers gets the section appended at its end; a
project without a CLAUDE.md gets none (the dream never creates instruction files).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from corral.api import MemoryEntry, summary

START = "<!-- corral:dream:start (kept by `corral dream`; edits between the markers are replaced) -->"
END = "<!-- corral:dream:end -->"
_START_PREFIX = "<!-- corral:dream:start"


def render_section(entries: Sequence[MemoryEntry], limit: int) -> str:
    """The lines between the markers: the most important entries, one per line."""
    from corral.api import index_order

    top = [e for e in index_order(entries) if e.importance >= 4][:limit]
    lines = ["## Remembered across sessions", ""]
    lines += [f"- {summary(e.text, 200)}" for e in top] or ["- (nothing important yet)"]
    return "\n".join(lines)


def split(text: str) -> tuple[str, str | None, str]:
    """``(before, section, after)``; ``section`` is ``None`` when there are no markers.
    ``before`` ends just before the start marker's line, ``after`` starts just after the
    end marker (its line break included)."""
    start = text.find(_START_PREFIX)
    if start < 0 or (line_start := text.rfind("\n", 0, start) + 1) != start:
        return text, None, ""
    end = text.find(END, start)
    if end < 0:
        return text, None, ""
    body_start = text.find("\n", start)
    body = text[body_start + 1 : end].rstrip("\n") if body_start < end else ""
    return text[:line_start], body, text[end + len(END):]


def with_section(text: str, body: str) -> str:
    before, old, after = split(text)
    block = f"{START}\n{body}\n{END}"
    if old is None:
        base = text if not text or text.endswith("\n") else text + "\n"
        return f"{base}\n{block}\n" if base else f"{block}\n"
    return f"{before}{block}{after}"


def without_section(text: str, was_appended: bool) -> str:
    """``text`` with the section taken out (undo of a first dream)."""
    before, old, after = split(text)
    if old is None:
        return text
    if was_appended and after in ("", "\n"):
        return before[:-1] if before.endswith("\n\n") else before
    return before + after.lstrip("\n")


def claude_md_path(project_root: Path) -> Path:
    return project_root / "CLAUDE.md"
