"""Phase 4, synthesize: the model's new entries, checked and de-duplicated against memory."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from corral.api import InvalidEntry, MemoryEntry, check_entry, new_id

from corral_dream._text import jaccard, tokens
from corral_dream.judge import NewEntry
from corral_dream.plan import Workset

_TOPIC_SAFE = re.compile(r"[^a-z0-9_-]+")


def add_entries(work: Workset, found: Sequence[NewEntry], at: datetime,
                duplicate_threshold: float) -> list[str]:
    """Add each new entry unless memory already holds it; returns notes on rejected ones."""
    notes: list[str] = []
    known = [tokens(e.text) for e in work.entries.values()]
    for item in found:
        toks = tokens(item.text)
        if any(jaccard(toks, other) >= duplicate_threshold for other in known):
            continue  # already remembered
        tags = tuple(dict.fromkeys(_TOPIC_SAFE.sub("-", t.lower().lstrip("#")).strip("-")
                                   for t in item.tags if t.strip()))
        entry = MemoryEntry(
            id=new_id(), text=item.text.strip(), type=item.type, tags=tags,
            importance=min(max(item.importance, 1), 5), created=at, updated=at,
            source="dream", files=tuple(item.files), topic=item.type,
        )
        try:
            check_entry(entry)
        except InvalidEntry as exc:
            notes.append(f"skipped a synthesized entry: {exc}")
            continue
        known.append(toks)
        work.add(entry, "synthesize", "from recent sessions")
    return notes
