"""Picking the entries most relevant to the current work, without a model call.

Score = keyword overlap (each shared word weighted by how rare it is in the store) + tag
matches (worth more) + file matches, plus importance and recency (which break ties). Entries
that share nothing with the query are never picked: the index already lists them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime

from corral.memory.entry import MemoryEntry, now

_WORD = re.compile(r"[a-z0-9][a-z0-9_]+")
_STOP = frozenset(
    "the and for are but not you your with this that have from they will what when which "
    "there their about into then than them these those been were was has had can could "
    "should would use used using its also just only some any all our out get got how why "
    "who where here more most very make made does did done".split()
)
_haystacks: dict[tuple[str, float], str] = {}
#: Lower-cases and turns everything but letters, digits and ``_`` into spaces.
_FOLD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _haystack(entry: MemoryEntry) -> str:
    """`` word word ...``: the entry's text and file paths, folded, for prefix matching."""
    key = (entry.id, entry.updated.timestamp())
    found = _haystacks.get(key)
    if found is None:
        found = " " + " ".join((entry.text, *entry.files)).lower().translate(_FOLD)
        if len(_haystacks) > 200_000:
            _haystacks.clear()
        _haystacks[key] = found
    return found


def score_all(
    entries: Sequence[MemoryEntry], query: str, *, at: datetime | None = None
) -> list[tuple[float, MemoryEntry]]:
    """The entries that match ``query`` (a word, a tag or a file), with their scores, best
    first. A query word matches an entry word it starts (``parse`` matches ``parser``)."""
    at_ts = (at or now()).timestamp()
    terms = sorted(words(query))
    needles = [" " + t for t in terms]
    hits: list[list[str]] = []
    df: dict[str, int] = dict.fromkeys(terms, 0)
    for entry in entries:
        hay = _haystack(entry)
        found = [t for t, n in zip(terms, needles, strict=True) if n in hay]
        for t in found:
            df[t] += 1
        hits.append(found)
    total = max(len(entries), 1)
    idf = {t: math.log(1 + total / (1 + df[t])) for t in terms}
    query_lower = query.lower()
    term_set = set(terms)
    scored: list[tuple[float, MemoryEntry]] = []
    for entry, found in zip(entries, hits, strict=True):
        relevance = sum(idf[t] for t in found) if found else 0.0
        if entry.tags:
            relevance += 2.0 * sum(1.0 + idf.get(t, 1.0) for t in entry.tags if t in term_set)
        if entry.files:
            relevance += sum(1.5 for f in entry.files if f and f.lower() in query_lower)
        if not relevance:
            continue
        age_days = max(at_ts - entry.updated.timestamp(), 0.0) / 86400
        prior = 0.3 * (entry.importance - 3) + math.exp(-age_days / 90)
        scored.append((relevance * 2.0 + prior, entry))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return scored


def relevant(
    entries: Sequence[MemoryEntry], query: str, limit: int, *, at: datetime | None = None
) -> list[MemoryEntry]:
    """Up to ``limit`` entries that match ``query``, most relevant first."""
    if limit <= 0 or not entries:
        return []
    return [e for _, e in score_all(entries, query, at=at)[:limit]]


def search(
    entries: Sequence[MemoryEntry], query: str, limit: int = 20
) -> list[tuple[float, MemoryEntry]]:
    """Entries that share a word or tag with ``query``, best first."""
    return score_all(entries, query)[:limit]
