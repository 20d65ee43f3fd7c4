"""The scanner: every rule over a text in one normalization pass, terms through one automaton."""

from __future__ import annotations

import re
from collections.abc import Sequence

import ahocorasick
import msgspec

from corral_undercover._fold import fold_char, normalize_term
from corral_undercover._literals import LiteralRules
from corral_undercover._mask import MASK, preview, replace_spans
from corral_undercover._normalize import Normalized
from corral_undercover.errors import UndercoverConfigError
from corral_undercover.findings import Category, Finding
from corral_undercover.settings import WordBoundary

#: A rule as the scanner gets it: (label for messages, configured value).
Labeled = tuple[str, str]

_PLACEHOLDERS: dict[str, str] = {
    "term": "[redacted name]",
    "pattern": "[redacted identifier]",
    "host": "[redacted host]",
    "channel": "[redacted channel]",
    "short_link": "[redacted link]",
}


def _fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


class Scanner:
    """Finds confidential material in text. Build once per configuration, scan many times."""

    def __init__(
        self,
        *,
        terms: Sequence[Labeled] = (),
        patterns: Sequence[Labeled] = (),
        hosts: Sequence[Labeled] = (),
        channels: Sequence[Labeled] = (),
        short_link_prefixes: Sequence[str] = (),
        leetspeak: bool = False,
        word_boundary: WordBoundary = "short",
        short_term_length: int = 4,
    ) -> None:
        self.leet = leetspeak
        self.word_boundary = word_boundary
        self.short_term_length = short_term_length
        self._terms: list[tuple[int, str]] = []
        self._automaton: ahocorasick.Automaton | None = None
        self._build_terms(terms)
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for label, pattern in patterns:
            try:
                self._patterns.append((label, re.compile(pattern, re.IGNORECASE)))
            except re.error as exc:
                raise UndercoverConfigError(
                    label, f"not a valid regular expression ({exc}); fix or remove it"
                ) from None
        self._literals = LiteralRules(
            hosts=hosts, channels=channels, short_link_prefixes=short_link_prefixes, fold=_fold
        )

    # -- construction -------------------------------------------------------------------

    def _build_terms(self, terms: Sequence[Labeled]) -> None:
        automaton = ahocorasick.Automaton()
        for label, term in terms:
            key = normalize_term(term, self.leet)
            if not key:
                raise UndercoverConfigError(
                    label, "has no letters or digits after normalization; remove it"
                )
            self._terms.append((len(key), label))
            index = len(self._terms) - 1
            if key in automaton:
                # The same key twice: report the first label only.
                continue
            automaton.add_word(key, index)
        if self._terms:
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def empty(self) -> bool:
        """True when nothing confidential is configured (short links alone do not count)."""
        return not (self._terms or self._patterns or self._literals.has_confidential)

    # -- scanning -----------------------------------------------------------------------

    def _needs_edges(self, length: int, gapped: bool) -> bool:
        if self.word_boundary == "always":
            return True
        if self.word_boundary == "never":
            return False
        return gapped or length <= self.short_term_length

    def _raw(self, norm: Normalized) -> list[tuple[Category, int, int, str]]:
        found: list[tuple[Category, int, int, str]] = []
        if self._automaton is not None:
            for end_k, index in self._automaton.iter(norm.compact):
                length, label = self._terms[index]
                s = norm.spaced_of_compact(end_k - length + 1)
                e = norm.spaced_of_compact(end_k)
                gapped = e - s != length - 1
                if self._needs_edges(length, gapped) and not (
                    norm.starts_word(s) and norm.ends_word(e)
                ):
                    continue
                found.append(("term", *norm.orig_span(s, e), label))
        spaced = norm.spaced
        for label, rx in self._patterns:
            for m in rx.finditer(spaced):
                if m.end() > m.start():
                    found.append(("pattern", *norm.orig_span(m.start(), m.end() - 1), label))
        for category, s, e, label in self._literals.find(spaced):
            found.append((category, *norm.orig_span(s, e), label))
        return found

    def scan(self, text: str, *, path: str | None = None) -> list[Finding]:
        """Every finding in ``text``, ordered by position."""
        if not text or (self.empty and self._literals.empty):
            return []
        raw = sorted(set(self._raw(Normalized(text, leet=self.leet))), key=lambda r: r[1:])
        if not raw:
            return []
        spans = [(r[1], r[2]) for r in raw]
        findings = []
        line, line_start, counted = 1, 0, 0
        for category, start, end, label in raw:  # sorted by start
            line += text.count("\n", counted, start)
            counted = start
            if line > 1:
                line_start = text.rfind("\n", 0, start) + 1
            findings.append(
                Finding(
                    category=category,
                    start=start,
                    end=end,
                    line=line,
                    column=start - line_start + 1,
                    rule=label,
                    preview=preview(text, (start, end), spans),
                    path=path,
                )
            )
        return findings

    def redact(self, text: str) -> tuple[str, list[Finding]]:
        """``text`` with every finding replaced by a placeholder, and what was found.

        Replacing can join the pieces around a span into a new match, so this repeats until a
        scan comes back clean; if the placeholders themselves keep matching, spans are masked
        with block characters, which hold no letters.
        """
        first = self.scan(text)
        current, findings = text, first
        for _ in range(4):
            if not findings:
                return current, first
            current = _replace(current, findings)
            findings = self.scan(current)
        while findings:
            current = replace_spans(current, [(f.start, f.end) for f in findings], MASK)
            findings = self.scan(current)
        return current, first


def _replace(text: str, findings: Sequence[Finding]) -> str:
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < pos:
            pos = max(pos, f.end)
            continue
        out.append(text[pos : f.start])
        out.append(_PLACEHOLDERS[f.category])
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def findings_to_json(findings: Sequence[Finding]) -> bytes:
    """The JSON list ``scan --json`` prints."""
    return msgspec.json.encode(list(findings))
