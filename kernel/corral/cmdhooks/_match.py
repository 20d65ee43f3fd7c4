"""Matchers, with Claude Code's meaning.

An empty matcher or ``*`` matches everything. A matcher made only of letters, digits, ``_``
and ``|`` is a list of exact names (``Edit|Write``). Anything else is a regular expression
searched in the name (``Notebook.*``, ``mcp__github__.*``); one that does not compile matches
nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NAMES = re.compile(r"[A-Za-z0-9_|]+")


@lru_cache(maxsize=256)
def _compiled(matcher: str) -> re.Pattern[str] | None:
    try:
        return re.compile(matcher)
    except re.error:
        return None


def matcher_is_valid(matcher: str) -> bool:
    """Whether ``matcher`` can match anything at all (a regex that compiles)."""
    return not matcher or matcher == "*" or _NAMES.fullmatch(matcher) is not None \
        or _compiled(matcher) is not None


def matches(matcher: str, value: str | None) -> bool:
    """Whether a group with ``matcher`` runs for ``value``; ``None`` (events without a
    match value) runs every group."""
    if value is None or not matcher or matcher == "*":
        return True
    if _NAMES.fullmatch(matcher):
        return value in matcher.split("|")
    pattern = _compiled(matcher)
    return pattern is not None and pattern.search(value) is not None
