"""The pet's bones: what it is, rolled from the user id every time and never stored.

The user id joined with :data:`SALT` is hashed with 32-bit FNV-1a; the hash seeds Mulberry32,
and the rolls come in a fixed order: rarity, species, eye, hat, shiny, then the five stats.
Since nothing of this is kept on disk, editing a file cannot change the pet.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from corral_buddy._rng import Mulberry32, fnv1a32

#: Joined to the user id before hashing; changing it re-rolls every pet, so it never changes.
SALT = "#corral-buddy-v1"

Rarity = Literal["common", "uncommon", "rare", "epic", "legendary"]
RARITIES: tuple[Rarity, ...] = ("common", "uncommon", "rare", "epic", "legendary")
#: Out of 100, in the order of :data:`RARITIES`.
RARITY_WEIGHTS: tuple[int, ...] = (60, 25, 10, 4, 1)
#: Lowest value of any stat, per rarity.
RARITY_FLOORS: tuple[int, ...] = (5, 15, 25, 35, 50)

SPECIES: tuple[str, ...] = (
    "duck", "goose", "blob", "cat", "dog", "dragon", "octopus", "owl", "penguin",
    "turtle", "snail", "ghost", "axolotl", "capybara", "cactus", "robot", "rabbit", "mushroom",
)  # fmt: skip
EYES: tuple[str, ...] = ("·", "✦", "×", "◉", "@", "°")
HATS: tuple[str, ...] = (
    "none", "crown", "tophat", "propeller", "halo", "wizard", "beanie", "tinyduck",
)  # fmt: skip
STAT_NAMES: tuple[str, ...] = ("DEBUGGING", "PATIENCE", "CHAOS", "WISDOM", "SNARK")

SHINY_CHANCE = 0.01
#: The peak stat is floor + PEAK_BONUS + up to PEAK_SPREAD, capped at 100.
PEAK_BONUS = 50
PEAK_SPREAD = 30
#: The dump stat is floor + up to DUMP_SPREAD.
DUMP_SPREAD = 9
#: Every other stat is floor + up to OTHER_SPREAD.
OTHER_SPREAD = 40

_CUMULATIVE = tuple(sum(RARITY_WEIGHTS[: i + 1]) for i in range(len(RARITY_WEIGHTS)))


class Stats(msgspec.Struct, frozen=True, rename="upper"):
    """Five stats from 0 to 100; encoded with upper-case keys (``DEBUGGING`` ...)."""

    debugging: int
    patience: int
    chaos: int
    wisdom: int
    snark: int

    def items(self) -> list[tuple[str, int]]:
        """``(NAME, value)`` pairs in :data:`STAT_NAMES` order."""
        return list(zip(STAT_NAMES, msgspec.structs.astuple(self), strict=True))


class Bones(msgspec.Struct, frozen=True, kw_only=True):
    """Everything rolled from the user id."""

    seed: int
    rarity: Rarity
    species: str
    eye: str
    hat: str
    shiny: bool
    stats: Stats
    #: Names (from :data:`STAT_NAMES`) of the highest-rolled and the lowest-rolled stat.
    peak: str
    dump: str

    @property
    def stars(self) -> int:
        """Rarity as 1 (common) to 5 (legendary) stars."""
        return RARITIES.index(self.rarity) + 1

    @property
    def floor(self) -> int:
        return RARITY_FLOORS[RARITIES.index(self.rarity)]


def seed_of(user_id: str) -> int:
    """The 32-bit seed of ``user_id``: FNV-1a of the id followed by :data:`SALT`."""
    return fnv1a32(user_id + SALT)


def roll(user_id: str) -> Bones:
    """Roll the bones of ``user_id``."""
    return roll_seed(seed_of(user_id))


def roll_seed(seed: int) -> Bones:
    """Roll the bones from a 32-bit seed (see :func:`seed_of`)."""
    rng = Mulberry32(seed)
    below = rng.below

    pick = rng.random() * 100
    tier = 0
    while pick >= _CUMULATIVE[tier] and tier < len(_CUMULATIVE) - 1:
        tier += 1
    rarity = RARITIES[tier]
    species = SPECIES[below(len(SPECIES))]
    eye = EYES[below(len(EYES))]
    hat = HATS[below(len(HATS))]
    if tier == 0:
        hat = "none"
    shiny = rng.random() < SHINY_CHANCE

    floor = RARITY_FLOORS[tier]
    peak = below(5)
    dump = (peak + 1 + below(4)) % 5
    values = [0, 0, 0, 0, 0]
    for i in range(5):
        if i == peak:
            values[i] = min(100, floor + PEAK_BONUS + below(PEAK_SPREAD + 1))
        elif i == dump:
            values[i] = floor + below(DUMP_SPREAD + 1)
        else:
            values[i] = floor + below(OTHER_SPREAD + 1)
    return Bones(
        seed=seed,
        rarity=rarity,
        species=species,
        eye=eye,
        hat=hat,
        shiny=shiny,
        stats=Stats(*values),
        peak=STAT_NAMES[peak],
        dump=STAT_NAMES[dump],
    )
