"""Normalization with a map back to the original text.

A text becomes two strings:

* ``spaced``: every character folded (NFKC, look-alikes, case folding, accents and invisible
  characters removed); separators stay. Patterns, hosts, channels and short links run here.
* ``compact``: ``spaced`` with every separator removed (and leetspeak folded when asked).
  Terms run here, which is what makes ``Cap-y bara`` meet ``capybara``.

Both keep a map to positions in the original, so findings report original spans. The text is
processed in blocks: an all-ASCII block takes a fast path through ``str`` methods written in C
and builds its position map only if a finding lands in it; other blocks fold one character at
a time through a cache.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

from corral_undercover._tables import DROPPED_CATEGORIES, HOMOGLYPHS, INVISIBLE_EXTRA, LEET

_BLOCK = 1024
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ASCII_LEET_KEEP = _ASCII_ALNUM | {"@", "$"}
# str.translate tables for ASCII blocks (already lower-cased): drop separators, fold leet.
_ASCII_DROP: dict[int, int | None] = {i: None for i in range(128) if chr(i) not in _ASCII_ALNUM}
_ASCII_LEET: dict[int, int | str | None] = {**_ASCII_DROP, **{ord(k): v for k, v in LEET.items()}}


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """The folded form of one original character; ``""`` for an invisible one."""
    if ch in INVISIBLE_EXTRA or unicodedata.category(ch) in DROPPED_CATEGORIES:
        return ""
    if ch in HOMOGLYPHS:  # before NFKC, which turns some look-alikes into other letters
        return HOMOGLYPHS[ch]
    out: list[str] = []
    for c in unicodedata.normalize("NFKC", ch):
        c = HOMOGLYPHS.get(c, c)
        for d in unicodedata.normalize("NFD", c.casefold()):
            if d in INVISIBLE_EXTRA or unicodedata.category(d) in DROPPED_CATEGORIES:
                continue
            out.append(HOMOGLYPHS.get(d, d))
    return "".join(out)


def is_letter(c: str, leet: bool) -> bool:
    """Whether a folded character is part of a word (not a separator)."""
    if leet:
        c = LEET.get(c, c)
    return c.isalnum()


def compact_of(folded: str, leet: bool) -> str:
    """The letters of an already folded string, leet-folded when asked."""
    if leet:
        folded = "".join(LEET.get(c, c) for c in folded)
    return "".join(c for c in folded if c.isalnum())


def normalize_term(term: str, leet: bool) -> str:
    """A configured term as the automaton sees it."""
    return compact_of("".join(fold_char(c) for c in term), leet)


class _Block:
    __slots__ = ("orig", "spaced", "compact", "is_ascii", "spaced_origin", "compact_map")

    def __init__(self, orig: int, spaced: int, compact: int, is_ascii: bool) -> None:
        self.orig = orig
        self.spaced = spaced
        self.compact = compact
        self.is_ascii = is_ascii
        self.spaced_origin: list[int] | None = None
        self.compact_map: list[int] | None = None


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: ASCII stretches shorter than this between non-ASCII characters are folded one character
#: at a time with their neighbours: a separate fast segment would cost more than it saves.
_MIN_FAST = 64
#: Per-character folding results: character -> (folded text, ((offset, letter), ...)).
_CharInfo = tuple[str, tuple[tuple[int, str], ...]]
_INFO: dict[bool, dict[str, _CharInfo]] = {False: {}, True: {}}


def _char_info(ch: str, leet: bool) -> _CharInfo:
    folded = fold_char(ch)
    letters = []
    for off, c in enumerate(folded):
        if is_letter(c, leet):
            letters.append((off, LEET.get(c, c) if leet else c))
    return folded, tuple(letters)


def _segments(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, is_ascii)`` pieces covering ``text`` in order: ASCII stretches (at most
    one block each) and the stretches around non-ASCII characters."""
    pieces: list[tuple[int, int, bool]] = []

    def fast(a: int, b: int) -> None:
        pieces.extend((s, min(b, s + _BLOCK), True) for s in range(a, b, _BLOCK))

    if text.isascii():
        fast(0, len(text))
        return pieces
    slow_start: int | None = None  # start of the pending character-by-character piece
    pos = 0  # end of the last non-ASCII run seen
    for m in _NON_ASCII.finditer(text):
        if m.start() - pos >= _MIN_FAST:
            if slow_start is not None:
                pieces.append((slow_start, pos, False))
            fast(pos, m.start())
            slow_start = m.start()
        elif slow_start is None:
            slow_start = pos
        pos = m.end()
        if pos - slow_start >= _BLOCK:
            pieces.append((slow_start, pos, False))
            slow_start = None
    if slow_start is not None and len(text) - pos < _MIN_FAST:
        pieces.append((slow_start, len(text), False))
    else:
        if slow_start is not None:
            pieces.append((slow_start, pos, False))
        fast(pos, len(text))
    return pieces


class Normalized:
    """A text with its folded forms and the maps between them."""

    def __init__(self, text: str, *, leet: bool = False) -> None:
        self.original = text
        self.leet = leet
        spaced_parts: list[str] = []
        compact_parts: list[str] = []
        self._blocks: list[_Block] = []
        s_pos = c_pos = 0
        table = _ASCII_LEET if leet else _ASCII_DROP
        for start, end, is_ascii in _segments(text):
            chunk = text[start:end]
            block = _Block(start, s_pos, c_pos, is_ascii)
            if is_ascii:
                spaced = chunk.lower()
                compact = spaced.translate(table)
            else:
                spaced, compact = self._fold_block(chunk, block)
            spaced_parts.append(spaced)
            compact_parts.append(compact)
            self._blocks.append(block)
            s_pos += len(spaced)
            c_pos += len(compact)
        self.spaced = "".join(spaced_parts)
        self.compact = "".join(compact_parts)
        self._spaced_starts = [b.spaced for b in self._blocks]
        self._compact_starts = [b.compact for b in self._blocks]

    def _fold_block(self, chunk: str, block: _Block) -> tuple[str, str]:
        cache = _INFO[self.leet]
        spaced: list[str] = []
        origin: list[int] = []
        cmap: list[int] = []
        compact: list[str] = []
        pos = block.spaced
        for i, ch in enumerate(chunk, start=block.orig):
            info = cache.get(ch)
            if info is None:
                info = cache[ch] = _char_info(ch, self.leet)
            folded, letters = info
            if not folded:
                continue
            spaced.append(folded)
            if len(folded) == 1:
                origin.append(i)
            else:
                origin.extend([i] * len(folded))
            for off, c in letters:
                cmap.append(pos + off)
                compact.append(c)
            pos += len(folded)
        block.spaced_origin = origin
        block.compact_map = cmap
        return "".join(spaced), "".join(compact)

    # -- maps ---------------------------------------------------------------------------

    def orig_of_spaced(self, i: int) -> int:
        """Index in the original of the character that produced ``spaced[i]``."""
        b = self._blocks[bisect.bisect_right(self._spaced_starts, i) - 1]
        if b.is_ascii:
            return b.orig + (i - b.spaced)
        assert b.spaced_origin is not None
        return b.spaced_origin[i - b.spaced]

    def spaced_of_compact(self, k: int) -> int:
        """Index in ``spaced`` of ``compact[k]``."""
        # Blocks without letters share their compact start with the next block; the last
        # block with a given start is the one that holds the letter at that position.
        idx = bisect.bisect_right(self._compact_starts, k) - 1
        b = self._blocks[idx]
        if b.compact_map is None:
            end = self._spaced_starts[idx + 1] if idx + 1 < len(self._blocks) else len(self.spaced)
            keep = _ASCII_LEET_KEEP if self.leet else _ASCII_ALNUM
            b.compact_map = [
                b.spaced + j for j, c in enumerate(self.spaced[b.spaced : end]) if c in keep
            ]
        return b.compact_map[k - b.compact]

    def orig_span(self, s: int, e: int) -> tuple[int, int]:
        """Original ``[start, end)`` of the spaced characters ``s`` to ``e`` inclusive.

        The end is pushed past combining marks that belong to the last character, so cutting
        the span out leaves no stray accent behind.
        """
        start = self.orig_of_spaced(s)
        end = self.orig_of_spaced(e) + 1
        text = self.original
        while end < len(text) and unicodedata.category(text[end]) in ("Mn", "Me"):
            end += 1
        return start, end

    # -- word edges ---------------------------------------------------------------------

    def _letter_at(self, i: int) -> bool:
        return 0 <= i < len(self.spaced) and is_letter(self.spaced[i], self.leet)

    def _edge_between(self, p: int, q: int) -> bool:
        """Whether spaced positions ``p`` and ``q = p + 1`` lie in different words."""
        if not (self._letter_at(p) and self._letter_at(q)):
            return True
        op = self.original[self.orig_of_spaced(p)]
        oq = self.original[self.orig_of_spaced(q)]
        if op == oq and self.orig_of_spaced(p) == self.orig_of_spaced(q):
            return False  # two letters folded out of one character (a ligature)
        if op.islower() and oq.isupper():
            return True  # camelCase hump
        if op.isupper() and oq.isupper() and self._letter_at(q + 1):
            nxt = self.original[self.orig_of_spaced(q + 1)]
            if nxt.islower():
                return True  # end of an acronym: HTTP|Server
        if not self.leet and self.spaced[p].isdigit() != self.spaced[q].isdigit():
            return True
        return False

    def starts_word(self, s: int) -> bool:
        return s == 0 or self._edge_between(s - 1, s)

    def ends_word(self, e: int) -> bool:
        return e + 1 >= len(self.spaced) or self._edge_between(e, e + 1)
