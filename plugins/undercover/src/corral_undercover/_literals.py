"""Hosts, channels and short links: literal keys found in one automaton pass over the folded
text (separators kept), then checked at their edges."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import ahocorasick

from corral_undercover.errors import UndercoverConfigError
from corral_undercover.findings import Category

#: Characters that continue a host name, channel name or link on either side.
_NAME = frozenset("-_")
_LINK_BEFORE = frozenset("/.@\"'`-_")
_LINK_TAIL = re.compile(r"[\w-][\w./-]*")

#: What the pass reports: category, spaced start, spaced end (inclusive), rule label.
Hit = tuple[Category, int, int, str]


def _word(c: str) -> bool:
    return c.isalnum() or c in _NAME


class LiteralRules:
    """Finds hosts (with their subdomains), ``#channels`` and ``prefix/xyz`` short links."""

    def __init__(
        self,
        *,
        hosts: Sequence[tuple[str, str]],
        channels: Sequence[tuple[str, str]],
        short_link_prefixes: Sequence[str],
        fold: Callable[[str], str],
    ) -> None:
        self._rules: list[tuple[Category, str, int]] = []
        automaton = ahocorasick.Automaton()

        def add(category: Category, label: str, key: str) -> None:
            if not key:
                raise UndercoverConfigError(label, "is empty; remove it")
            if key in automaton:
                return
            self._rules.append((category, label, len(key)))
            automaton.add_word(key, len(self._rules) - 1)

        for label, host in hosts:
            add("host", label, fold(host.strip()).removeprefix("*.").strip("."))
        for label, channel in channels:
            add("channel", label, fold(channel.strip()).lstrip("#"))
        for prefix in short_link_prefixes:
            if prefix.strip("/"):
                add("short_link", "short_link", fold(prefix.strip()).strip("/") + "/")
        self.has_confidential = any(r[0] != "short_link" for r in self._rules)
        self._automaton = automaton if self._rules else None
        if self._automaton is not None:
            automaton.make_automaton()

    @property
    def empty(self) -> bool:
        return self._automaton is None

    def find(self, spaced: str) -> list[Hit]:
        if self._automaton is None:
            return []
        hits: list[Hit] = []
        n = len(spaced)
        for end, index in self._automaton.iter(spaced):
            category, label, length = self._rules[index]
            s = end - length + 1
            if category == "short_link":
                hit = _short_link(spaced, s, end)
                if hit is not None:
                    hits.append(("short_link", hit[0], hit[1], label))
                continue
            if end + 1 < n and _word(spaced[end + 1]):
                continue
            if category == "host":
                if s > 0 and _word(spaced[s - 1]):
                    continue
                hits.append(("host", _subdomain_start(spaced, s), end, label))
            else:
                if s > 0 and spaced[s - 1] == "#":
                    s -= 1
                if s > 0 and (_word(spaced[s - 1]) or spaced[s - 1] == "#"):
                    continue
                hits.append(("channel", s, end, label))
        return hits


def _short_link(spaced: str, s: int, slash: int) -> tuple[int, int] | None:
    """The span of a short link whose ``prefix/`` runs from ``s`` to ``slash``."""
    for scheme in ("https://", "http://"):
        if spaced.startswith(scheme, s - len(scheme)) and s >= len(scheme):
            s -= len(scheme)
            break
    if s > 0 and (spaced[s - 1].isalnum() or spaced[s - 1] in _LINK_BEFORE):
        return None
    m = _LINK_TAIL.match(spaced, slash + 1)
    if m is None:
        return None
    end = m.end()
    while spaced[end - 1] in "./-":
        end -= 1
    return s, end - 1


def _subdomain_start(spaced: str, start: int) -> int:
    """Move ``start`` left over subdomain labels (``wiki.`` in ``wiki.corp.example``)."""
    while start > 1 and spaced[start - 1] == ".":
        k = start - 1
        while k > 0 and (spaced[k - 1].isalnum() or spaced[k - 1] in _NAME):
            k -= 1
        if k == start - 1:
            break
        start = k
    return start
