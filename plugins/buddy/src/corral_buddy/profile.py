"""A pet as shown: its bones (rolled now) and its soul (from the user data dir)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from corral_buddy.bones import Bones, roll
from corral_buddy.identity import buddy_dir, resolve_user_id
from corral_buddy.settings import Settings
from corral_buddy.soul import Soul, SoulStore


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    bones: Bones
    soul: Soul


def load_profile(
    settings: Settings,
    *,
    user_id: str | None = None,
    root: Path | None = None,
    config: Any = None,
) -> Profile:
    """The pet of ``user_id`` (default: the configured or stored id).

    A soul is made and stored the first time the user's own pet is shown; looking at another
    id with ``user_id`` writes nothing.
    """
    base = buddy_dir() if root is None else root
    own = user_id is None
    uid = resolve_user_id(settings, base) if own else user_id
    assert uid is not None
    bones = roll(uid)
    store = SoulStore(base)
    made = None
    if own and config is not None and settings.soul_from_model and store.load(bones.seed) is None:
        import asyncio

        from corral_buddy.soul_model import ask_model, credentials_present

        if credentials_present():
            made = asyncio.run(ask_model(config, bones))
    soul = store.load_or_make(bones, save=own, made=made)
    return Profile(bones=bones, soul=soul)


class CardJson(msgspec.Struct, frozen=True):
    """What ``corral buddy --json`` prints: exactly these keys, in this order."""

    species: str
    rarity: str
    shiny: bool
    eye: str
    hat: str
    stats: dict[str, int]
    name: str


def card_json(profile: Profile) -> CardJson:
    b = profile.bones
    return CardJson(
        species=b.species,
        rarity=b.rarity,
        shiny=b.shiny,
        eye=b.eye,
        hat=b.hat,
        stats=dict(b.stats.items()),
        name=profile.soul.name,
    )
