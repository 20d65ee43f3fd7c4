"""Normalized token sets and similar-pair search, without a model.

Two entries are compared by the Jaccard similarity of their token sets (lower-cased words,
common words dropped, a light suffix strip so ``tests`` and ``test`` agree). Pairs above a
threshold are found with prefix filtering: order each set's tokens rarest first; two sets
whose similarity reaches ``t`` must share one of their first ``n - ceil(t * n) + 1`` tokens,
so only entries sharing a rare token are ever compared.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[a-z0-9_]+")
_STOP = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been it its "
    "this that these those we you i our your they them there here do does did not no so "
    "if then than when which who what how can could should would will shall may might must "
    "into onto about all any some only also just very".split()
)
_SUFFIXES = ("ing", "ed", "es", "s")


def normalize(text: str) -> str:
    """Lower case, punctuation gone, whitespace collapsed: equal for exact duplicates."""
    return " ".join(_WORD.findall(text.lower()))


def _stem(word: str) -> str:
    if len(word) > 4:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


def tokens(text: str) -> frozenset[str]:
    """The comparable words of ``text``."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similar_pairs(
    sets: Mapping[str, frozenset[str]], threshold: float
) -> list[tuple[float, str, str]]:
    """Every pair of keys whose sets have Jaccard similarity ``>= threshold``, most similar
    first (ties by key). ``threshold`` must be above 0."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    freq: dict[str, int] = defaultdict(int)
    for toks in sets.values():
        for tok in toks:
            freq[tok] += 1
    index: dict[str, list[str]] = defaultdict(list)
    found: list[tuple[float, str, str]] = []
    # shorter sets first: a later (longer) set only needs to look back at shorter ones
    for key in sorted(sets, key=lambda k: (len(sets[k]), k)):
        toks = sets[key]
        if not toks:
            continue
        ordered = sorted(toks, key=lambda t: (freq[t], t))
        size = len(ordered)
        prefix = ordered[: size - math.ceil(threshold * size) + 1]
        seen: set[str] = set()
        for tok in prefix:
            for other in index[tok]:
                if other in seen:
                    continue
                seen.add(other)
                other_toks = sets[other]
                if len(other_toks) < threshold * size:
                    continue  # too short to reach the threshold
                score = jaccard(toks, other_toks)
                if score >= threshold:
                    first, second = sorted((key, other))
                    found.append((score, first, second))
            index[tok].append(key)
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    return found


def clusters(pairs: Iterable[tuple[float, str, str]]) -> list[set[str]]:
    """Connected groups of keys linked by ``pairs`` (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = defaultdict(set)
    for key in parent:
        groups[find(key)].add(key)
    return [g for g in groups.values() if len(g) > 1]


def estimate_tokens(text: str) -> int:
    """A cheap token estimate (about four characters a token)."""
    return len(text) // 4 + 1
