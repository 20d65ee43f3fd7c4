"""What a scan reports: findings, described without the confidential text itself."""

from __future__ import annotations

from typing import Literal

import msgspec

Category = Literal["term", "pattern", "host", "channel", "short_link"]

#: How each category is named in messages to people and to the model.
CATEGORY_LABELS: dict[str, str] = {
    "term": "internal name or codename",
    "pattern": "confidential identifier (such as an unreleased version)",
    "host": "internal hostname",
    "channel": "internal chat channel",
    "short_link": "internal short link",
}


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One place where confidential text was found.

    ``start``/``end`` index the original text (``end`` exclusive); ``line``/``column`` are
    1-based (column in characters). ``rule`` names the setting that matched, such as
    ``terms[2]`` or ``terms_file:7``, never its value. ``preview`` is the surrounding text with
    every finding masked.
    """

    category: Category
    start: int
    end: int
    line: int
    column: int
    rule: str
    preview: str = ""
    path: str | None = None

    def where(self) -> str:
        """``path:line:col`` (or ``line:col`` without a path)."""
        loc = f"{self.line}:{self.column}"
        return f"{self.path}:{loc}" if self.path else loc

    def describe(self) -> str:
        """One line for people and for the model; it never contains the matched text."""
        label = CATEGORY_LABELS[self.category]
        preview = f" near {self.preview!r}" if self.preview else ""
        return f"{self.where()}: {label} ({self.rule}){preview}"
