"""Plugin discovery reads the same entry points as importlib.metadata, in one pass."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from corral.plugins import discovery

from tests._distinfo import make_dist


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    first, second = tmp_path / "first", tmp_path / "second"
    make_dist(first, "corral-alpha", "1.2.3", {"corral": {"alpha": "corral_alpha.plugin"},
                                               "corral.default_off": {"alpha": "x"}})
    make_dist(first, "unrelated-tool", "0.1", {"console_scripts": {"tool": "tool:main"}})
    make_dist(first, "corral-beta", "2.0", {"corral": {"beta": "corral_beta"}})
    # the same distribution again, later on the path: shadowed, as importlib.metadata has it
    make_dist(second, "corral-beta", "9.9", {"corral": {"beta": "corral_beta_old"}})
    monkeypatch.setattr(sys, "path", [str(first), str(second), *sys.path])
    return first


def test_scan_finds_what_importlib_metadata_finds(site: Path) -> None:
    plugins, default_off = discovery.scan()
    expected: dict[str, str] = {}
    for ep in entry_points(group=discovery.GROUP):
        expected.setdefault(ep.name, ep.value)
    assert {name: ep.value for name, ep in plugins.items()} == expected
    assert plugins["beta"].value == "corral_beta"  # the first distribution on the path wins
    assert default_off == {ep.name for ep in entry_points(group=discovery.DEFAULT_OFF_GROUP)}
    assert "alpha" in default_off and "tool" not in plugins


def test_distribution_name_and_version_come_from_the_metadata_head(site: Path) -> None:
    plugins, _ = discovery.scan()
    assert discovery.distribution_of(plugins["alpha"]) == ("corral-alpha", "1.2.3")
    assert discovery.distribution_of(plugins["beta"]) == ("corral-beta", "2.0")
