"""Bones: golden vectors, and the rules checked over 100,000 ids."""

from __future__ import annotations

import random
from collections import Counter

import msgspec
import pytest
from corral_buddy.bones import (
    EYES,
    HATS,
    RARITIES,
    RARITY_FLOORS,
    RARITY_WEIGHTS,
    SHINY_CHANCE,
    SPECIES,
    STAT_NAMES,
    Bones,
    roll,
    seed_of,
)

# Rolled once by this implementation and cross-checked against an independent JavaScript
# implementation of the same rules (3,000 ids, no difference). A change here means every
# user's pet changed: do not update these without a very good reason.
GOLDEN = {
    "golden-0": '{"seed":383633810,"rarity":"rare","species":"dragon","eye":"×","hat":"tinyduck","shiny":false,"stats":{"DEBUGGING":25,"PATIENCE":50,"CHAOS":40,"WISDOM":80,"SNARK":30},"peak":"WISDOM","dump":"SNARK"}',
    "golden-2": '{"seed":4007945112,"rarity":"uncommon","species":"octopus","eye":"@","hat":"beanie","shiny":false,"stats":{"DEBUGGING":72,"PATIENCE":15,"CHAOS":30,"WISDOM":17,"SNARK":31},"peak":"DEBUGGING","dump":"WISDOM"}',
    "golden-3": '{"seed":3569703907,"rarity":"common","species":"dog","eye":"°","hat":"none","shiny":false,"stats":{"DEBUGGING":63,"PATIENCE":17,"CHAOS":39,"WISDOM":14,"SNARK":28},"peak":"DEBUGGING","dump":"WISDOM"}',
    "golden-12": '{"seed":3302047007,"rarity":"epic","species":"goose","eye":"@","hat":"none","shiny":false,"stats":{"DEBUGGING":43,"PATIENCE":66,"CHAOS":40,"WISDOM":99,"SNARK":60},"peak":"WISDOM","dump":"DEBUGGING"}',
    "golden-37": '{"seed":1754702398,"rarity":"legendary","species":"cactus","eye":"✦","hat":"propeller","shiny":false,"stats":{"DEBUGGING":58,"PATIENCE":77,"CHAOS":100,"WISDOM":74,"SNARK":53},"peak":"CHAOS","dump":"SNARK"}',
    "golden-348": '{"seed":3563661743,"rarity":"uncommon","species":"owl","eye":"◉","hat":"none","shiny":true,"stats":{"DEBUGGING":85,"PATIENCE":15,"CHAOS":18,"WISDOM":17,"SNARK":36},"peak":"DEBUGGING","dump":"WISDOM"}',
    "alice": '{"seed":88956148,"rarity":"common","species":"rabbit","eye":"×","hat":"none","shiny":false,"stats":{"DEBUGGING":12,"PATIENCE":14,"CHAOS":18,"WISDOM":57,"SNARK":42},"peak":"WISDOM","dump":"PATIENCE"}',
    "": '{"seed":528695814,"rarity":"common","species":"robot","eye":"✦","hat":"none","shiny":false,"stats":{"DEBUGGING":17,"PATIENCE":45,"CHAOS":73,"WISDOM":25,"SNARK":11},"peak":"CHAOS","dump":"SNARK"}',
    "ünïcødé-✦": '{"seed":3235227790,"rarity":"common","species":"axolotl","eye":"·","hat":"none","shiny":false,"stats":{"DEBUGGING":18,"PATIENCE":39,"CHAOS":21,"WISDOM":9,"SNARK":82},"peak":"SNARK","dump":"WISDOM"}',
}  # fmt: skip


@pytest.mark.parametrize("user_id", sorted(GOLDEN))
def test_golden_vectors(user_id: str) -> None:
    assert roll(user_id) == msgspec.json.decode(GOLDEN[user_id], type=Bones)


def test_seed_is_fnv_of_id_and_salt() -> None:
    assert seed_of("alice") == 88956148
    assert seed_of("alice") != seed_of("alice ")


def test_catalogue_matches_the_issue() -> None:
    assert len(SPECIES) == 18 and len(set(SPECIES)) == 18
    assert EYES == ("·", "✦", "×", "◉", "@", "°")
    assert HATS[0] == "none" and len(HATS) == 8
    assert RARITY_WEIGHTS == (60, 25, 10, 4, 1) and sum(RARITY_WEIGHTS) == 100
    assert RARITY_FLOORS == (5, 15, 25, 35, 50)
    assert [roll(f"golden-{i}").stars for i in (3, 2, 0, 12, 37)] == [1, 2, 3, 4, 5]


N_IDS = 100_000
# Upper critical values of the chi-square distribution at p = 0.001.
CHI2_CRIT_P001 = {1: 10.828, 4: 18.467}


@pytest.fixture(scope="module")
def population() -> list[Bones]:
    rng = random.Random(20261125)
    return [roll(f"{rng.getrandbits(128):032x}") for _ in range(N_IDS)]


def _chi_square(observed: list[int], expected: list[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


def test_rarity_frequencies_pass_chi_square(population: list[Bones]) -> None:
    counts = Counter(b.rarity for b in population)
    observed = [counts[r] for r in RARITIES]
    expected = [N_IDS * w / 100 for w in RARITY_WEIGHTS]
    stat = _chi_square(observed, expected)
    assert stat < CHI2_CRIT_P001[len(RARITIES) - 1], (observed, stat)


def test_shiny_frequency_passes_chi_square(population: list[Bones]) -> None:
    shiny = sum(b.shiny for b in population)
    stat = _chi_square([shiny, N_IDS - shiny], [N_IDS * SHINY_CHANCE, N_IDS * (1 - SHINY_CHANCE)])
    assert stat < CHI2_CRIT_P001[1], (shiny, stat)


def test_every_species_eye_and_hat_appears(population: list[Bones]) -> None:
    assert {b.species for b in population} == set(SPECIES)
    assert {b.eye for b in population} == set(EYES)
    assert {b.hat for b in population} == set(HATS)


def test_commons_never_wear_hats(population: list[Bones]) -> None:
    commons = [b for b in population if b.rarity == "common"]
    assert commons and all(b.hat == "none" for b in commons)
    assert any(b.hat != "none" for b in population if b.rarity != "common")


def test_stat_rules_hold_for_every_id(population: list[Bones]) -> None:
    for b in population:
        floor = RARITY_FLOORS[RARITIES.index(b.rarity)]
        stats = dict(b.stats.items())
        assert list(stats) == list(STAT_NAMES)
        assert b.peak != b.dump
        assert min(100, floor + 50) <= stats[b.peak] <= min(100, floor + 80), b
        assert floor <= stats[b.dump] <= floor + 9, b
        for name, value in stats.items():
            assert 0 <= value <= 100
            if name not in (b.peak, b.dump):
                assert floor <= value <= floor + 40, b
        assert stats[b.peak] == max(stats.values())


def test_bones_are_deterministic_and_frozen() -> None:
    bones = roll("same-id")
    assert bones == roll("same-id")
    with pytest.raises(AttributeError):
        bones.rarity = "legendary"  # type: ignore[misc]
