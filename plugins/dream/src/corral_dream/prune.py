"""Phase 1, prune (the model-free part): exact and near duplicates, entries whose files or
symbols are gone, expired entries. Contradictions are judged in :mod:`corral_dream.judge`."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import msgspec
from corral.api import MemoryEntry

from corral_dream._text import clusters, normalize, similar_pairs, tokens
from corral_dream.plan import Workset


def keeper_order(entry: MemoryEntry) -> tuple[int, float, float, str]:
    """Which copy of a duplicate survives: most important, then most recently updated."""
    return (entry.importance, entry.updated.timestamp(), entry.created.timestamp(), entry.id)


def _absorb(keeper: MemoryEntry, others: list[MemoryEntry]) -> MemoryEntry:
    tags = list(keeper.tags)
    files = list(keeper.files)
    for other in others:
        tags += [t for t in other.tags if t not in tags]
        files += [f for f in other.files if f not in files]
    importance = max([keeper.importance, *(o.importance for o in others)])
    return msgspec.structs.replace(keeper, tags=tuple(tags), files=tuple(files),
                                   importance=importance)


def _drop_group(work: Workset, group: list[MemoryEntry], reason: str) -> None:
    group = sorted(group, key=keeper_order, reverse=True)
    keeper, rest = group[0], group[1:]
    for other in rest:
        work.remove(other.id, "prune", f"{reason} of {keeper.id}")
    merged = _absorb(keeper, rest)
    if merged != keeper:
        work.replace(merged, "prune", "took the tags and files of its duplicates")


def prune_expired(work: Workset, at: datetime) -> None:
    for entry in list(work.entries.values()):
        if entry.expires is not None and entry.expires <= at:
            work.remove(entry.id, "prune", f"expired on {entry.expires.date().isoformat()}")


def prune_duplicates(work: Workset, threshold: float) -> None:
    """Exact duplicates (equal once normalized), then near duplicates (token similarity at
    or above ``threshold``)."""
    by_text: dict[str, list[MemoryEntry]] = {}
    for entry in work.entries.values():
        by_text.setdefault(normalize(entry.text), []).append(entry)
    for group in by_text.values():
        if len(group) > 1:
            _drop_group(work, group, "exact duplicate")
    sets = {e.id: tokens(e.text) for e in work.entries.values()}
    for ids in clusters(similar_pairs(sets, threshold)):
        _drop_group(work, [work.entries[i] for i in sorted(ids)], "near duplicate")


def _inside(root: Path, relative: str) -> Path | None:
    candidate = Path(os.path.normpath(root / relative))
    if candidate != root and root not in candidate.parents:
        return None  # never judge (or read) anything outside the project
    return candidate


def _reference_alive(root: Path, ref: str, cache: dict[str, str | None]) -> bool | None:
    """Whether ``path`` or ``path#symbol`` still exists; ``None`` when it cannot be judged."""
    path_part, _, symbol = ref.partition("#")
    if not path_part:
        return None
    path = _inside(root, path_part)
    if path is None:
        return None
    if not path.exists():
        return False
    if not symbol:
        return True
    if not path.is_file():
        return None
    if path_part not in cache:
        try:
            cache[path_part] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            cache[path_part] = None
    text = cache[path_part]
    if text is None:
        return None
    name = symbol.rsplit(".", 1)[-1]
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


def prune_dead_references(work: Workset, root: Path) -> None:
    """An entry whose every file (or ``path#symbol``) is gone is removed; one that lost
    some of them keeps the others."""
    cache: dict[str, str | None] = {}
    for entry in list(work.entries.values()):
        if not entry.files:
            continue
        alive = {ref: _reference_alive(root, ref, cache) for ref in entry.files}
        dead = [ref for ref, ok in alive.items() if ok is False]
        if not dead:
            continue
        if len(dead) == len(entry.files):
            work.remove(entry.id, "prune", f"points at {', '.join(dead)}, which no longer exist")
        else:
            kept = tuple(ref for ref in entry.files if ref not in dead)
            work.replace(msgspec.structs.replace(entry, files=kept), "prune",
                         f"dropped references that no longer exist: {', '.join(dead)}")


def prune(work: Workset, root: Path, at: datetime, threshold: float) -> None:
    """The model-free prune, cheapest checks first."""
    prune_expired(work, at)
    prune_duplicates(work, threshold)
    prune_dead_references(work, root)
