"""Normalization with a map back to the original text.

A text becomes two strings:

* ``spaced``: every character folded (NFKC, look-alikes, case folding, accents and invisible
  characters removed); separators stay. Patterns, hosts, channels and short links run here.
* ``compact``: ``spaced`` with every separator removed (and leetspeak folded when asked).
  Terms run here, which is what makes ``Cap-y bara`` meet ``capybara``.

Both keep a map to positions in the original, so findings report original spans. Both are
built with C string methods (see ``_fold``); the maps cost nothing until a finding needs them.
Most characters fold to exactly one character, so ``spaced`` lines up with the original
except around the few that do not (invisible ones, ligatures, ``ß``, combining marks). When
a text holds such characters it is folded in blocks whose starts are kept, and the first
finding in a block records where those characters sit in it. ``compact`` is built in blocks
of ``spaced``; the first finding in a block lists the positions of its letters.
"""

from __future__ import annotations

import bisect
import unicodedata

from corral_undercover._fold import (
    ASCII_ALNUM,
    ASCII_LEET_KEEP,
    TextFolder,
    compact_chunk,
    fold_char,
    is_letter,
    non_ascii,
)

#: Characters of ``spaced`` per compact block.
_BLOCK = 1024
#: Original characters per fold block (only for texts whose folding shifts positions).
_FOLD_BLOCK = 2048

#: Where the characters that shift positions sit in one fold block: their ``spaced`` indices,
#: and ``(spaced index, original index, folded length)`` for each.
_Shifts = tuple[list[int], list[tuple[int, int, int]]]


class Normalized:
    """A text with its folded forms and the maps between them."""

    def __init__(self, text: str, *, leet: bool = False) -> None:
        self.original = text
        self.leet = leet
        # spaced -> original: the identity unless characters that shift positions occur; then
        # fold blocks (original and spaced starts) and, filled on demand, their shifts.
        self._shifting: frozenset[str] = frozenset()
        self._orig_starts: list[int] = []
        self._spaced_starts: list[int] = []
        self._shifts: dict[int, _Shifts] = {}
        self._separators: tuple[str, ...] = ()
        if text.isascii():
            self.spaced = text.lower()
        else:
            folder = TextFolder(non_ascii(text))
            self._separators = folder.separators
            self._shifting = folder.shifting
            self.spaced = self._fold_blocks(text, folder) if self._shifting else folder.fold(text)
        self._compact_starts: list[int] = []
        self._compact_maps: dict[int, list[int]] = {}
        self.compact = self._build_compact()

    def _fold_blocks(self, text: str, folder: TextFolder) -> str:
        parts: list[str] = []
        pos = 0
        for start in range(0, len(text), _FOLD_BLOCK):
            part = folder.fold(text[start : start + _FOLD_BLOCK])
            self._orig_starts.append(start)
            self._spaced_starts.append(pos)
            parts.append(part)
            pos += len(part)
        return "".join(parts)

    def _build_compact(self) -> str:
        spaced = self.spaced
        parts: list[str] = []
        pos = 0
        for start in range(0, len(spaced), _BLOCK):
            part = compact_chunk(spaced[start : start + _BLOCK], self.leet, self._separators)
            self._compact_starts.append(pos)
            parts.append(part)
            pos += len(part)
        return "".join(parts)

    # -- maps ---------------------------------------------------------------------------

    def _shifts_of(self, idx: int) -> _Shifts:
        shifts = self._shifts.get(idx)
        if shifts is None:
            text = self.original
            start = self._orig_starts[idx]
            end = min(start + _FOLD_BLOCK, len(text))
            found: list[int] = []
            for c in self._shifting:
                i = text.find(c, start, end)
                while i >= 0:
                    found.append(i)
                    i = text.find(c, i + 1, end)
            found.sort()
            keys: list[int] = []
            rows: list[tuple[int, int, int]] = []
            delta = self._spaced_starts[idx] - start  # spaced index - original index
            for o in found:
                n = len(fold_char(text[o]))
                keys.append(o + delta)
                rows.append((o + delta, o, n))
                delta += n - 1
            shifts = self._shifts[idx] = (keys, rows)
        return shifts

    def orig_of_spaced(self, i: int) -> int:
        """Index in the original of the character that produced ``spaced[i]``."""
        if not self._spaced_starts:
            return i
        # Blocks that fold to nothing share their start with the next block; the last block
        # with a given start is the one that holds ``spaced[i]``.
        idx = bisect.bisect_right(self._spaced_starts, i) - 1
        keys, rows = self._shifts_of(idx)
        j = bisect.bisect_right(keys, i) - 1
        if j < 0:
            return self._orig_starts[idx] + (i - self._spaced_starts[idx])
        s, o, n = rows[j]
        # spaced[s : s + n] comes from original[o]; after it, one to one from original[o + 1]
        return o if i < s + n else o + 1 + (i - s - n)

    def spaced_of_compact(self, k: int) -> int:
        """Index in ``spaced`` of ``compact[k]``."""
        # As above: the last block with a given compact start holds the letter there.
        idx = bisect.bisect_right(self._compact_starts, k) - 1
        cmap = self._compact_maps.get(idx)
        if cmap is None:
            base = idx * _BLOCK
            chunk = self.spaced[base : base + _BLOCK]
            keep = ASCII_LEET_KEEP if self.leet else ASCII_ALNUM
            if chunk.isascii():
                cmap = [base + j for j, c in enumerate(chunk) if c in keep]
            else:  # non-ASCII letters are letters with or without leet
                cmap = [
                    base + j
                    for j, c in enumerate(chunk)
                    if c in keep or (c > "\x7f" and c.isalnum())
                ]
            self._compact_maps[idx] = cmap
        return cmap[k - self._compact_starts[idx]]

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
