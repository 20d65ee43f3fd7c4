"""The user id: configured, or random and kept in the user data dir."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from corral_buddy.errors import StoredFileError
from corral_buddy.identity import buddy_dir, resolve_user_id, stored_user_id
from corral_buddy.settings import Settings


def test_buddy_dir_follows_corral_home(corral_home: Path) -> None:
    assert buddy_dir() == corral_home / "data" / "buddy"


def test_configured_id_wins_and_writes_nothing(buddy_root: Path) -> None:
    assert resolve_user_id(Settings(user_id="me@example.com"), buddy_root) == "me@example.com"
    assert not buddy_root.exists()


def test_stored_id_is_random_made_once_and_kept(buddy_root: Path) -> None:
    first = resolve_user_id(Settings(), buddy_root)
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert (buddy_root / "user-id").read_text() == first + "\n"
    assert stored_user_id(buddy_root) == first
    # No temporary files are left behind.
    assert sorted(os.listdir(buddy_root)) == ["user-id"]


def test_other_homes_get_other_ids(tmp_path: Path) -> None:
    assert stored_user_id(tmp_path / "a") != stored_user_id(tmp_path / "b")


def test_existing_file_is_never_replaced(buddy_root: Path) -> None:
    buddy_root.mkdir(parents=True)
    (buddy_root / "user-id").write_text("  handmade-id \n")
    assert stored_user_id(buddy_root) == "handmade-id"
    assert (buddy_root / "user-id").read_text() == "  handmade-id \n"


def test_empty_id_file_is_an_error_naming_the_file(buddy_root: Path) -> None:
    buddy_root.mkdir(parents=True)
    (buddy_root / "user-id").write_text("\n")
    with pytest.raises(StoredFileError) as info:
        stored_user_id(buddy_root)
    assert str(buddy_root / "user-id") in str(info.value)
    assert "user_id" in str(info.value)
