"""The soul: word-list generation, the store, renaming."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest
from corral_buddy.bones import roll
from corral_buddy.errors import BadNameError, StoredFileError
from corral_buddy.profile import load_profile
from corral_buddy.settings import Settings
from corral_buddy.soul import Soul, SoulStore, check_name, make_soul


def test_word_soul_is_determined_by_the_bones() -> None:
    soul = make_soul(roll("golden-37"), now=0.0)
    assert soul == Soul(
        name="Wobzy",
        personality=(
            "Curious about everything; thinks rm is a verb worth exploring, "
            "but apologises to the compiler."
        ),
        origin="words",
        created_at=0.0,
    )
    assert make_soul(roll("golden-37"), now=0.0) == soul
    assert make_soul(roll("golden-0"), now=0.0).name != "" and "\n" not in soul.personality


def test_store_roundtrip_and_atomic_layout(buddy_root: Path) -> None:
    store = SoulStore(buddy_root)
    bones = roll("alice")
    soul = store.load_or_make(bones)
    assert store.path_for(bones.seed) == buddy_root / "souls" / f"{bones.seed:08x}.json"
    assert store.load(bones.seed) == soul
    assert os.listdir(buddy_root / "souls") == [f"{bones.seed:08x}.json"]
    # The user id itself is not written anywhere.
    assert b"alice" not in store.path_for(bones.seed).read_bytes()


def test_a_model_made_soul_can_be_saved_and_is_kept(buddy_root: Path) -> None:
    store = SoulStore(buddy_root)
    bones = roll("alice")
    made = Soul(name="Clover", personality="Writes haiku about diffs.", origin="model")
    store.save(bones.seed, made)
    assert store.load_or_make(bones) == made


def test_rename_keeps_the_personality(buddy_root: Path) -> None:
    store = SoulStore(buddy_root)
    bones = roll("alice")
    before = store.load_or_make(bones)
    after = store.rename(bones, "  Sir Hops  ")
    assert after.name == "Sir Hops"
    assert after.personality == before.personality
    assert store.load(bones.seed) == after


@pytest.mark.parametrize("bad", ["", "   ", "x" * 25, "two\nlines", "bell\x07"])
def test_bad_names_are_refused(bad: str) -> None:
    with pytest.raises(BadNameError) as info:
        check_name(bad)
    assert "1 to 24 printable characters" in str(info.value)


def test_corrupt_soul_file_is_reported_not_overwritten(buddy_root: Path) -> None:
    store = SoulStore(buddy_root)
    bones = roll("alice")
    path = store.path_for(bones.seed)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(StoredFileError) as info:
        store.load_or_make(bones)
    assert str(path) in str(info.value) and "delete it" in str(info.value)
    assert path.read_text() == "{not json"


def test_editing_the_soul_file_cannot_change_the_bones(buddy_root: Path) -> None:
    settings = Settings(user_id="alice")
    profile = load_profile(settings, root=buddy_root)
    path = SoulStore(buddy_root).path_for(profile.bones.seed)
    doc = msgspec.json.decode(path.read_bytes())
    doc.update(rarity="legendary", shiny=True, species="dragon", name="Hacked")
    path.write_bytes(msgspec.json.encode(doc))
    again = load_profile(settings, root=buddy_root)
    assert again.soul.name == "Hacked"
    assert again.bones == roll("alice") and again.bones.rarity == "common"


def test_looking_at_another_id_writes_nothing(buddy_root: Path) -> None:
    profile = load_profile(Settings(), user_id="someone-else", root=buddy_root)
    assert profile.bones == roll("someone-else")
    assert not buddy_root.exists()
