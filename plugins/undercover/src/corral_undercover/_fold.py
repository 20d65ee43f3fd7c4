"""Folding: one character at a time (the definition), and whole texts at C speed.

Folding is defined per character by :func:`fold_char`, so a text only needs the folds of the
distinct characters it holds. :class:`TextFolder` finds them once, then applies them to a text
(or to pieces of it) in C: when few characters change, as byte replacements on the UTF-8
(after ``bytes.lower`` for ASCII); otherwise through ``str.translate`` with a table that fills
itself. :func:`compact_chunk` strips separators from folded text with bytes tables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from corral_undercover._tables import DROPPED_CATEGORIES, HOMOGLYPHS, INVISIBLE_EXTRA, LEET

ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
ASCII_LEET_KEEP = ASCII_ALNUM | {"@", "$"}
#: str.translate tables for folded ASCII text: drop separators (and fold leet).
ASCII_DROP: dict[int, int | str | None] = {i: None for i in range(128) if chr(i) not in ASCII_ALNUM}
ASCII_LEET: dict[int, int | str | None] = {**ASCII_DROP, **{ord(k): v for k, v in LEET.items()}}
# The same for the UTF-8 of folded text with other characters: bytes >= 0x80 pass untouched.
_BYTES_TABLE: dict[bool, bytes | None] = {
    False: None,
    True: bytes.maketrans("".join(LEET).encode(), "".join(LEET.values()).encode()),
}
_BYTES_DELETE: dict[bool, bytes] = {
    leet: bytes(i for i in range(128) if chr(i) not in (ASCII_LEET_KEEP if leet else ASCII_ALNUM))
    for leet in (False, True)
}
_ASCII_BYTES = bytes(range(128))
#: With up to this many distinct characters that fold to something else, a text is folded by
#: byte replacements (one C pass each); with more, by one ``str.translate`` pass.
_MAX_REPLACED = 24
#: With up to this many distinct non-ASCII separators, they leave a compact chunk through
#: ``str.replace``; with more, through ``str.translate``.
_MAX_SEPARATORS = 8
#: Entries a self-filling translate table keeps (bounds memory on a huge alphabet).
_TABLE_LIMIT = 1 << 16
_UTF8 = ("utf-8", "surrogatepass")  # lone surrogates may occur in a str; keep them as they are


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


class _FoldTable(dict[int, str]):
    """``str.translate`` table: code point -> folded text, filled on first use."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(self) < _TABLE_LIMIT:
            self[code] = folded
        return folded


class _LetterTable(dict[int, str | None]):
    """``str.translate`` table for folded text: a letter stays (leet-folded), others go."""

    def __init__(self, leet: bool) -> None:
        super().__init__()
        self.leet = leet

    def __missing__(self, code: int) -> str | None:
        c = chr(code)
        out = (LEET.get(c, c) if self.leet else c) if is_letter(c, self.leet) else None
        if len(self) < _TABLE_LIMIT:
            self[code] = out
        return out


_FOLD = _FoldTable({i: chr(i).lower() for i in range(128)})
_LETTERS = {False: _LetterTable(False), True: _LetterTable(True)}


def _encode(text: str) -> bytes:
    return text.encode(*_UTF8)


def non_ascii(text: str) -> set[str]:
    """The distinct non-ASCII characters of ``text`` (its UTF-8 without the ASCII bytes)."""
    return set(_encode(text).translate(None, _ASCII_BYTES).decode(*_UTF8))


class TextFolder:
    """Folds texts made of ASCII and the given non-ASCII characters."""

    def __init__(self, chars: Iterable[str]) -> None:
        folds = {c: fold_char(c) for c in chars}
        changed = {c: f for c, f in folds.items() if f != c}
        #: The characters that do not fold to exactly one character (they shift positions).
        self.shifting = frozenset(c for c, f in folds.items() if len(f) != 1)
        # Replacements one after another equal one simultaneous pass unless a fold brings in
        # a character that a later replacement would fold again.
        self._by_bytes = len(changed) <= _MAX_REPLACED and not any(
            x in changed for f in changed.values() for x in f
        )
        self._pairs = [(_encode(c), _encode(f)) for c, f in changed.items()]
        folded = {c for c, f in folds.items() if f == c}
        folded.update(x for f in changed.values() for x in f if not x.isascii())
        #: The non-ASCII separators that folded text can hold.
        self.separators = tuple(sorted(c for c in folded if not c.isalnum()))

    def fold(self, text: str) -> str:
        """``text`` with every character folded (the same as :func:`fold_char` on each)."""
        if text.isascii():
            return text.lower()
        if not self._by_bytes:
            return text.translate(_FOLD)
        data = _encode(text).lower()  # ASCII letters only; the UTF-8 of others is untouched
        for old, new in self._pairs:
            data = data.replace(old, new)
        return data.decode(*_UTF8)


def compact_chunk(folded: str, leet: bool, separators: tuple[str, ...]) -> str:
    """The letters of folded text (leet-folded when asked); ``separators`` lists the
    non-ASCII separators it may hold."""
    if folded.isascii():
        return folded.translate(ASCII_LEET if leet else ASCII_DROP)
    data = _encode(folded).translate(_BYTES_TABLE[leet], _BYTES_DELETE[leet])
    part = data.decode(*_UTF8)
    if part.isascii() or not separators:
        return part
    if len(separators) > _MAX_SEPARATORS:
        return part.translate(_LETTERS[leet])
    for sep in separators:
        if sep in part:
            part = part.replace(sep, "")
    return part
