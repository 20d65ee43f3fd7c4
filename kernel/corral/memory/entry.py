"""The memory entry: the unit the store keeps, the Memory tool writes and plugins rewrite."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Literal

import msgspec

#: What an entry is about: the user (who they are, how they like to work), feedback (a
#: correction or confirmed approach), the project (decisions, conventions, facts), or a
#: reference (where something lives: a URL, a dashboard, a document).
MemoryType = Literal["user", "feedback", "project", "reference"]
MEMORY_TYPES: tuple[MemoryType, ...] = ("user", "feedback", "project", "reference")

#: Where a store lives: the project's ``.claude/memory/`` or the user's data directory.
Scope = Literal["project", "user"]

_TOPIC = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


class MemoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One remembered fact. Stable on disk: fields are only ever added, with defaults."""

    id: str
    text: str
    type: MemoryType = "project"
    tags: tuple[str, ...] = ()
    #: 1 (trivia) to 5 (must never be forgotten).
    importance: int = 3
    created: datetime
    updated: datetime
    #: The session that wrote it (or a plugin name such as ``dream``), when known.
    source: str | None = None
    #: Project-relative paths (or ``path#symbol``) the entry talks about.
    files: tuple[str, ...] = ()
    #: The topic file (``topics/<topic>.md``) that holds the entry.
    topic: str = "general"
    #: After this moment the entry is expired (consolidation may drop it).
    expires: datetime | None = None


class EntryMeta(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The metadata line of an entry in a topic file: every field except the text."""

    id: str
    type: MemoryType = "project"
    tags: tuple[str, ...] = ()
    importance: int = 3
    created: datetime
    updated: datetime
    source: str | None = None
    files: tuple[str, ...] = ()
    expires: datetime | None = None


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def new_id() -> str:
    """A short random id (12 hex digits: no clash in a store of millions)."""
    return uuid.uuid4().hex[:12]


def valid_topic(topic: str) -> bool:
    return _TOPIC.fullmatch(topic) is not None


def check_entry(entry: MemoryEntry) -> None:
    """Raise :class:`~corral.memory.errors.InvalidEntry` when ``entry`` cannot be stored."""
    from corral.memory.errors import InvalidEntry

    if not entry.text.strip():
        raise InvalidEntry(f"memory entry {entry.id}: the text is empty; say what to remember")
    if not 1 <= entry.importance <= 5:
        raise InvalidEntry(
            f"memory entry {entry.id}: importance {entry.importance} is outside 1..5"
        )
    if entry.type not in MEMORY_TYPES:
        raise InvalidEntry(
            f"memory entry {entry.id}: type {entry.type!r} is not one of {', '.join(MEMORY_TYPES)}"
        )
    if not valid_topic(entry.topic):
        raise InvalidEntry(
            f"memory entry {entry.id}: topic {entry.topic!r} must be 1-64 lower-case letters, "
            "digits, '-' or '_' (it names the file topics/<topic>.md)"
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", entry.id):
        raise InvalidEntry(f"memory entry id {entry.id!r} must be 1-64 letters, digits, - or _")


def summary(text: str, limit: int = 160) -> str:
    """The first line of ``text``, shortened to ``limit`` characters (for the index)."""
    line = " ".join(text.strip().split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
