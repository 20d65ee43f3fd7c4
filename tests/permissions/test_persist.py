from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from corral.permissions.persist import RuleFileError, add_allow_rule


def test_creates_the_file_and_table(tmp_path: Path) -> None:
    target = tmp_path / ".claude" / "corral.local.toml"
    assert add_allow_rule(target, 'Bash(echo "hi")') is True
    assert tomllib.loads(target.read_text())["permissions"]["allow"] == ['Bash(echo "hi")']


def test_appends_to_an_existing_list_keeping_every_other_line(tmp_path: Path) -> None:
    target = tmp_path / "corral.local.toml"
    original = (
        "# my settings\n"
        "model = \"x\"  # keep me\n\n"
        "[permissions]\n"
        "# rules I trust\n"
        "allow = [\n"
        "    \"Bash(ls)\",  # listing\n"
        "    'Read(src/**)',\n"
        "]\n"
        "deny = [\"Bash(rm:*)\"]\n\n"
        "[features]\n"
        "buddy = true\n"
    )
    target.write_text(original)
    add_allow_rule(target, "Bash(npm run test:*)")
    text = target.read_text()
    data = tomllib.loads(text)
    assert data["permissions"]["allow"] == ["Bash(ls)", "Read(src/**)", "Bash(npm run test:*)"]
    assert data["permissions"]["deny"] == ["Bash(rm:*)"]
    assert data["features"] == {"buddy": True} and data["model"] == "x"
    kept = [line for line in original.splitlines()]
    new_lines = text.splitlines()
    assert all(line in new_lines for line in kept)
    assert len(new_lines) == len(kept) + 1


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('[permissions]\nallow = []\n', ["R"]),
        ('[permissions]\nallow = ["a"]\n', ["a", "R"]),
        ('[permissions]\nallow = ["a",]\n', ["a", "R"]),
        ('[permissions]\ndeny = ["d"]\n', ["R"]),
        ('permissions.allow = ["a"]\n[x]\ny = 1\n', ["a", "R"]),
        ('[x]\ny = 1\n', ["R"]),
        ('[permissions]\nallow = ["a]", \'b#\']  # c ]\n', ["a]", "b#", "R"]),
    ],
)
def test_shapes(tmp_path: Path, before: str, after: list[str]) -> None:
    target = tmp_path / "f.toml"
    target.write_text(before)
    add_allow_rule(target, "R")
    assert tomllib.loads(target.read_text())["permissions"]["allow"] == after


def test_existing_rule_is_not_duplicated(tmp_path: Path) -> None:
    target = tmp_path / "f.toml"
    target.write_text('[permissions]\nallow = ["R"]\n')
    assert add_allow_rule(target, "R") is False
    assert target.read_text() == '[permissions]\nallow = ["R"]\n'


def test_invalid_toml_is_left_untouched(tmp_path: Path) -> None:
    target = tmp_path / "f.toml"
    target.write_text("[permissions\n")
    with pytest.raises(RuleFileError, match="not valid TOML"):
        add_allow_rule(target, "R")
    assert target.read_text() == "[permissions\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.toml"]


def test_file_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "f.toml"
    target.write_text("")
    target.chmod(0o600)
    add_allow_rule(target, "R")
    assert target.stat().st_mode & 0o777 == 0o600
