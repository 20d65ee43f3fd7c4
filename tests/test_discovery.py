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


def test_a_plugin_installed_removed_or_upgraded_between_runs_is_seen(site: Path) -> None:
    assert "gamma" not in discovery.scan()[0]
    gamma = make_dist(site, "corral-gamma", "1.0", {"corral": {"gamma": "corral_gamma"}})
    plugins, _ = discovery.scan()
    assert discovery.distribution_of(plugins["gamma"]) == ("corral-gamma", "1.0")
    # an upgrade replaces the metadata folder, with another value for the entry point
    for child in gamma.iterdir():
        child.unlink()
    gamma.rmdir()
    make_dist(site, "corral-gamma", "2.0", {"corral": {"gamma": "corral_gamma.v2:plugin"}})
    plugins, _ = discovery.scan()
    assert plugins["gamma"].value == "corral_gamma.v2:plugin"
    assert discovery.distribution_of(plugins["gamma"]) == ("corral-gamma", "2.0")
    for folder in site.glob("corral_gamma-*.dist-info"):
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
    assert "gamma" not in discovery.scan()[0]


def test_an_egg_info_folder_counts_like_a_dist_info_folder(site: Path) -> None:
    egg = site / "corral_delta.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: corral-delta\nVersion: 0.3\n")
    (egg / "entry_points.txt").write_text("# made by hand\n[corral]\ndelta = corral_delta\n")
    plugins, _ = discovery.scan()
    assert plugins["delta"].value == "corral_delta"
    assert discovery.distribution_of(plugins["delta"]) == ("corral-delta", "0.3")
    expected = {ep.name: ep.value for ep in entry_points(group=discovery.GROUP)}
    assert expected["delta"] == "corral_delta"


def test_a_zip_archive_on_the_path_is_read_through_importlib_metadata(
    tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("corral_zipped-1.0.dist-info/METADATA",
                    "Metadata-Version: 2.1\nName: corral-zipped\nVersion: 1.0\n")
        zf.writestr("corral_zipped-1.0.dist-info/entry_points.txt",
                    "[corral]\nzipped = corral_zipped\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(archive)])
    assert not discovery.entry_points.can_read()
    plugins, default_off = discovery.scan()
    assert plugins["zipped"].value == "corral_zipped"
    assert plugins["beta"].value == "corral_beta"  # the directories are still read in order
    assert "alpha" in default_off


def test_an_entry_point_loads_its_module_or_the_attribute_it_names(site: Path) -> None:
    from corral.plugins.entry_points import PluginEntry

    assert PluginEntry("x", "corral.plugins.discovery", "corral").load() is discovery
    assert PluginEntry("x", "corral.plugins.discovery:scan", "corral").load() is discovery.scan
    with pytest.raises(ModuleNotFoundError):
        PluginEntry("x", "corral_no_such_module", "corral").load()


def test_entry_points_txt_comments_and_lines_without_a_value_are_skipped() -> None:
    from corral.plugins.entry_points import parse

    text = "stray = before_any_group\n[corral]\n# a comment\n\nnot an entry point\n a = b:c \n"
    assert [(ep.group, ep.name, ep.value) for ep in parse(text)] == [("corral", "a", "b:c")]
