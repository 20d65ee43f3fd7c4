"""A stash keeps values under typed keys; two keys never clash, whatever their names."""

from __future__ import annotations

import pytest
from corral.stash import Stash, StashKey


def test_keys_compare_by_identity_not_name() -> None:
    stash = Stash()
    one: StashKey[int] = StashKey("same")
    two: StashKey[int] = StashKey("same")
    stash[one] = 1
    assert one in stash and two not in stash
    assert stash.get(two) is None and stash.get(two, 5) == 5
    stash[two] = 2
    assert (stash[one], stash[two], len(stash)) == (1, 2, 2)


def test_get_or_create_makes_once_and_pop_removes() -> None:
    stash = Stash()
    key: StashKey[list[str]] = StashKey("lines")
    made = stash.get_or_create(key, list)
    made.append("a")
    assert stash.get_or_create(key, list) == ["a"]
    assert stash.setdefault(key, ["other"]) == ["a"]
    assert stash.pop(key) == ["a"] and key not in stash
    assert stash.pop(key) is None
    with pytest.raises(KeyError):
        stash[key]
    stash[key] = []
    del stash[key]
    assert len(stash) == 0
    assert repr(key) == "StashKey('lines')"
