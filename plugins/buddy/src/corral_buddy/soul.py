"""The pet's soul: a name and a one-line personality, made once and kept on disk.

Today the soul comes from built-in word lists, seeded by the same hash as the bones (on a
separate stream, so it does not shift the bones). A soul written by a model fits the same
shape: save it with ``origin="model"`` through :class:`SoulStore` and it is used from then on.
Only the soul is stored: renaming the pet edits this file, never what the pet is.
"""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path
from typing import Literal

import msgspec

from corral_buddy._rng import Mulberry32
from corral_buddy._words import DUMP_PHRASES, NAME_HEADS, NAME_TAILS, PEAK_PHRASES, TEMPERS
from corral_buddy.bones import Bones
from corral_buddy.errors import BadNameError, StoredFileError

#: XORed into the seed so the soul's stream is independent of the bones' stream.
_SOUL_STREAM = 0x50D1F00D
MAX_NAME = 24


class Soul(msgspec.Struct, frozen=True, kw_only=True):
    """Name and personality of a pet; stored as JSON, one file per seed."""

    name: str
    personality: str
    #: Who made it: the built-in word lists, or a model.
    origin: Literal["words", "model"] = "words"
    created_at: float = 0.0


def make_soul(bones: Bones, *, now: float | None = None) -> Soul:
    """The word-list soul of ``bones``: the same bones always get the same soul."""
    rng = Mulberry32(bones.seed ^ _SOUL_STREAM)
    name = NAME_HEADS[rng.below(len(NAME_HEADS))] + NAME_TAILS[rng.below(len(NAME_TAILS))]
    temper = TEMPERS[rng.below(len(TEMPERS))]
    peak = PEAK_PHRASES[bones.peak]
    dump = DUMP_PHRASES[bones.dump]
    line = f"{temper}; {peak[rng.below(len(peak))]}, {dump[rng.below(len(dump))]}."
    return Soul(
        name=name,
        personality=line,
        origin="words",
        created_at=time.time() if now is None else now,
    )


def check_name(name: str) -> str:
    """``name`` stripped, if it is 1 to :data:`MAX_NAME` printable characters on one line."""
    clean = name.strip()
    if not clean:
        raise BadNameError(name, "the name is empty")
    if len(clean) > MAX_NAME:
        raise BadNameError(name, f"the name is {len(clean)} characters long")
    if any(unicodedata.category(ch).startswith("C") for ch in clean):
        raise BadNameError(name, "the name has control or invisible characters")
    return clean


class SoulStore:
    """Souls under ``root/souls/<seed as 8 hex digits>.json``; every write is atomic.

    Files are keyed by the seed, not the user id, so a configured id never lands on disk.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, seed: int) -> Path:
        return self.root / "souls" / f"{seed:08x}.json"

    def load(self, seed: int) -> Soul | None:
        """The stored soul for ``seed``, or ``None`` when there is none yet."""
        path = self.path_for(seed)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoredFileError(
                path, f"cannot read the pet's soul ({exc})", "Fix its permissions."
            ) from exc
        try:
            soul = msgspec.json.decode(raw, type=Soul)
            check_name(soul.name)
        except (msgspec.DecodeError, BadNameError) as exc:
            raise StoredFileError(
                path,
                f"the soul file does not decode ({exc})",
                "Fix it by hand, or delete it to have a new name and personality made.",
            ) from exc
        return soul

    def save(self, seed: int, soul: Soul) -> None:
        from corral.api import write_atomic

        write_atomic(self.path_for(seed), msgspec.json.format(msgspec.json.encode(soul)) + b"\n")

    def load_or_make(self, bones: Bones, *, save: bool = True, made: Soul | None = None) -> Soul:
        """The stored soul of ``bones``; else ``made`` (a model's) or a word-list soul,
        stored when ``save``."""
        soul = self.load(bones.seed)
        if soul is None:
            soul = made or make_soul(bones)
            if save:
                self.save(bones.seed, soul)
        return soul

    def rename(self, bones: Bones, name: str) -> Soul:
        """Give the pet of ``bones`` a new name, keeping its personality."""
        clean = check_name(name)
        soul = msgspec.structs.replace(self.load_or_make(bones, save=False), name=clean)
        self.save(bones.seed, soul)
        return soul
