"""Settings become rules: terms file, labels, errors, and when the filter is active."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest
from corral_undercover.activation import decide, is_internal, remote_host
from corral_undercover.errors import UndercoverConfigError
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings
from corral_undercover.state import Undercover

from .conftest import git


def test_settings_reject_unknown_keys() -> None:
    with pytest.raises(msgspec.ValidationError, match="unknown field"):
        msgspec.convert({"termz": ["x"]}, Settings)


def test_terms_file_outside_the_repo_is_read_with_line_labels(tmp_path: Path) -> None:
    terms = tmp_path / "secret-terms.txt"
    terms.write_text("# codenames\n\nMarmot\n  Heron  \n", encoding="utf-8")
    scanner = build_scanner(Settings(terms_file=str(terms)), repo_root=tmp_path / "repo")
    findings = scanner.scan("a marmot and a HERON")
    assert [f.rule for f in findings] == ["terms_file:3", "terms_file:4"]


def test_terms_file_inside_the_repo_is_refused(tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("Marmot\n", encoding="utf-8")
    with pytest.raises(UndercoverConfigError, match="inside the repository"):
        build_scanner(Settings(terms_file=str(terms)), repo_root=tmp_path)


def test_bad_pattern_names_its_key_not_its_text() -> None:
    with pytest.raises(UndercoverConfigError, match=r"patterns\[1\]") as info:
        build_scanner(Settings(patterns=["ok", "v9(\\d"]))
    assert "[plugins.undercover]" in str(info.value)


def test_term_without_letters_is_refused() -> None:
    with pytest.raises(UndercoverConfigError, match=r"terms\[0\]"):
        build_scanner(Settings(terms=["--"]))


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://github.com/acme/x.git", "github.com"),
        ("git@github.com:acme/x.git", "github.com"),
        ("ssh://git@git.corp.example:2222/x", "git.corp.example"),
        ("/srv/git/x.git", None),
    ],
)
def test_remote_host(url: str, host: str | None) -> None:
    assert remote_host(url) == host


def test_internal_remote_matching() -> None:
    internal = ["corp.example", "git@github.com:acme-private/*", "/srv/git"]
    assert is_internal("ssh://git@git.corp.example/x", internal)
    assert is_internal("git@github.com:acme-private/tool.git", internal)
    assert is_internal("/srv/git/tool.git", internal)
    assert not is_internal("git@github.com:acme/tool.git", internal)
    assert not is_internal("https://notcorp.example/x", internal)


def test_auto_mode_decisions() -> None:
    s = Settings(terms=["x1"], internal_remotes=["corp.example"])
    root = Path("/r")
    assert decide(s, root, ["https://git.corp.example/a"]).active is False
    assert decide(s, root, ["https://git.corp.example/a", "https://github.com/a"]).active
    assert decide(s, root, []).active  # no remote counts as public
    assert decide(s, None, []).active  # no repository counts as public
    assert not decide(Settings(internal_remotes=[]), root, ["https://github.com/a"]).active
    assert not decide(msgspec.structs.replace(s, mode="off"), root, []).active
    on = msgspec.structs.replace(s, mode="on")
    assert decide(on, root, ["https://git.corp.example/a"]).active


def test_activity_follows_remote_changes(repo: Path) -> None:
    s = Settings(terms=["x1"], internal_remotes=["corp.example"])
    git(repo, "remote", "add", "origin", "https://git.corp.example/team/x.git")
    und = Undercover(repo)
    assert und.activity(s).active is False
    git(repo, "remote", "add", "mirror", "https://github.com/acme/x.git")
    # the config file changed, so the cached answer is dropped
    cfg = repo / ".git" / "config"
    os.utime(cfg, (cfg.stat().st_atime, cfg.stat().st_mtime + 5))
    assert und.activity(s).active is True


def test_nothing_to_keep_out_asks_git_nothing(repo: Path) -> None:
    und = Undercover(repo)
    assert und.activity(Settings()).active is False
    assert und.activity(Settings(terms=["x1"], mode="off")).active is False
    # neither the repository root (a git process) nor a scanner was made for the answer
    assert "root" not in vars(und) and "_scanners" not in vars(und)
    assert und.activity(Settings(terms=["x1"])).active is True  # no remote counts as public
    assert und.root == repo.resolve()
