"""The work of one dream: the entries as they were, as they become, and every change."""

from __future__ import annotations

from typing import Literal

import msgspec
from corral.api import MemoryEntry

Phase = Literal["prune", "merge", "refresh", "synthesize"]
PHASES: tuple[Phase, ...] = ("prune", "merge", "refresh", "synthesize")
Action = Literal["remove", "update", "add"]


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """One thing a dream did (or, in a dry run, would do) to one entry."""

    phase: Phase
    action: Action
    id: str
    reason: str
    before: str | None = None
    after: str | None = None


class Workset:
    """The store's entries while a dream plans: phases change :attr:`entries` through these
    methods so that every change is logged; :attr:`base` keeps what was read."""

    def __init__(self, entries: list[MemoryEntry]) -> None:
        self.base: dict[str, MemoryEntry] = {e.id: e for e in entries}
        self.entries: dict[str, MemoryEntry] = dict(self.base)
        self.changes: list[Change] = []
        #: Entries the code re-check found still true (their check time is recorded).
        self.rechecked: set[str] = set()

    def remove(self, entry_id: str, phase: Phase, reason: str) -> None:
        entry = self.entries.pop(entry_id)
        self.changes.append(Change(phase=phase, action="remove", id=entry_id, reason=reason,
                                   before=entry.text))

    def replace(self, entry: MemoryEntry, phase: Phase, reason: str) -> None:
        old = self.entries[entry.id]
        if old == entry:
            return
        self.entries[entry.id] = entry
        self.changes.append(Change(phase=phase, action="update", id=entry.id, reason=reason,
                                   before=old.text, after=entry.text))

    def add(self, entry: MemoryEntry, phase: Phase, reason: str) -> None:
        self.entries[entry.id] = entry
        self.changes.append(Change(phase=phase, action="add", id=entry.id, reason=reason,
                                   after=entry.text))

    def of_phase(self, phase: Phase) -> list[Change]:
        return [c for c in self.changes if c.phase == phase]
