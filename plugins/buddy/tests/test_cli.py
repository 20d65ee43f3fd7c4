"""``corral buddy`` end to end through corral's own command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from corral.cli import main
from corral_buddy.bones import roll

JSON_KEYS = ["species", "rarity", "shiny", "eye", "hat", "stats", "name"]
STAT_KEYS = ["DEBUGGING", "PATIENCE", "CHAOS", "WISDOM", "SNARK"]


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(["buddy", "--json", *argv]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


def test_json_has_exactly_the_listed_keys(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "--user-id", "golden-37")
    assert list(doc) == JSON_KEYS
    stats = doc["stats"]
    assert isinstance(stats, dict) and list(stats) == STAT_KEYS
    assert doc == {
        "species": "cactus", "rarity": "legendary", "shiny": False, "eye": "✦",
        "hat": "propeller", "name": "Wobzy",
        "stats": {"DEBUGGING": 58, "PATIENCE": 77, "CHAOS": 100, "WISDOM": 74, "SNARK": 53},
    }  # fmt: skip


def test_user_id_option_writes_nothing(
    capsys: pytest.CaptureFixture[str], buddy_root: Path
) -> None:
    _json(capsys, "--user-id", "someone")
    assert not buddy_root.exists()


def test_default_id_is_stored_once(capsys: pytest.CaptureFixture[str], buddy_root: Path) -> None:
    first = _json(capsys)
    stored = (buddy_root / "user-id").read_text().strip()
    assert first["species"] == roll(stored).species
    assert _json(capsys) == first


def test_config_user_id_and_rename(
    capsys: pytest.CaptureFixture[str], write_config: Callable[[str], Path]
) -> None:
    write_config('[plugins.buddy]\nuser_id = "alice"\n')
    assert _json(capsys)["name"] == "Bixbo"
    assert main(["buddy", "rename", "Sir Hops"]) == 0
    assert "Bixbo is now called Sir Hops." in capsys.readouterr().out
    doc = _json(capsys)
    assert doc["name"] == "Sir Hops" and doc["species"] == "rabbit"


def test_card_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["buddy", "--user-id", "golden-0"]) == 0
    out = capsys.readouterr().out
    assert "★★★☆☆  rare dragon" in out and "DEBUGGING" in out and "\x1b" not in out


def test_bad_rename_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["buddy", "rename", "x" * 30]) == 1
    assert "1 to 24 printable characters" in capsys.readouterr().err
