"""Phase 2, merge: candidate pairs found by token similarity (no model), then the model's
verdicts applied: "same" merges two phrasings into one entry, "conflict" prunes the entry
the newer one contradicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
from corral.api import MemoryEntry

from corral_dream._text import similar_pairs, tokens
from corral_dream.judge import PairVerdict
from corral_dream.plan import Workset
from corral_dream.prune import keeper_order


def candidate_pairs(work: Workset, low: float, high: float) -> list[tuple[MemoryEntry, MemoryEntry]]:
    """Pairs with similarity in ``[low, high)`` (at ``high`` they were pruned as duplicates);
    each entry in at most one pair, most similar pairs first."""
    sets = {e.id: tokens(e.text) for e in work.entries.values()}
    taken: set[str] = set()
    out: list[tuple[MemoryEntry, MemoryEntry]] = []
    for score, a, b in similar_pairs(sets, low):
        if score >= high or a in taken or b in taken:
            continue
        taken |= {a, b}
        first, second = sorted((work.entries[a], work.entries[b]),
                               key=lambda e: e.updated.timestamp())
        out.append((first, second))
    return out


def apply_verdicts(work: Workset,
                   verdicts: Sequence[tuple[MemoryEntry, MemoryEntry, PairVerdict]],
                   at: datetime) -> None:
    for a, b, verdict in verdicts:
        if a.id not in work.entries or b.id not in work.entries:
            continue
        if verdict.verdict == "conflict":
            loser = b if verdict.keep == a.id else a
            work.remove(loser.id, "prune",
                        f"contradicted by {verdict.keep} (the model judged them in conflict)")
        elif verdict.verdict == "same":
            keeper, other = sorted((a, b), key=keeper_order, reverse=True)
            merged = msgspec.structs.replace(
                keeper,
                text=(verdict.text or keeper.text).strip(),
                tags=tuple(dict.fromkeys((*keeper.tags, *other.tags))),
                files=tuple(dict.fromkeys((*keeper.files, *other.files))),
                importance=max(a.importance, b.importance),
                created=min(a.created, b.created),
            )
            work.replace(merged, "merge", f"merged with {other.id} (same fact, two phrasings)")
            work.remove(other.id, "merge", f"merged into {keeper.id}")
