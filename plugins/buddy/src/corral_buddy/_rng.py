"""The two small primitives every roll is built on: a 32-bit FNV-1a hash and Mulberry32.

Both are defined bit for bit by their published descriptions, so the same user id rolls the
same pet on every machine and every Python version.
"""

from __future__ import annotations

_MASK = 0xFFFFFFFF
_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193
_GOLDEN = 0x6D2B79F5
_TWO_32 = 4294967296.0


def fnv1a32(data: bytes | str) -> int:
    """32-bit FNV-1a of ``data`` (a str is hashed as its UTF-8 bytes)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    h = _FNV_OFFSET
    for byte in raw:
        h = ((h ^ byte) * _FNV_PRIME) & _MASK
    return h


class Mulberry32:
    """Mulberry32: a 32-bit state advanced by a fixed odd step and mixed into each output."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & _MASK

    def next_u32(self) -> int:
        """The next output as an unsigned 32-bit integer."""
        a = (self.state + _GOLDEN) & _MASK
        self.state = a
        t = ((a ^ (a >> 15)) * (a | 1)) & _MASK
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & _MASK)) & _MASK
        return (t ^ (t >> 14)) & _MASK

    def random(self) -> float:
        """The next output as a float in ``[0, 1)``."""
        return self.next_u32() / _TWO_32

    def below(self, n: int) -> int:
        """A whole number in ``[0, n)``."""
        return int(self.next_u32() / _TWO_32 * n)
