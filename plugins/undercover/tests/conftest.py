"""Shared fixtures: settings with a few codenames, a scanner, an isolated git environment."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from corral_undercover.matcher import Scanner
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings

TERMS = ["Capybara", "Falcon", "odin", "Project Tundra", "nimbus"]


@pytest.fixture
def settings() -> Settings:
    return Settings(
        terms=TERMS,
        patterns=[r"v9\.\d+\.\d+"],
        internal_hosts=["corp.example"],
        channels=["#team-capy"],
        mode="on",
    )


@pytest.fixture
def scanner(settings: Settings) -> Scanner:
    return build_scanner(settings)


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME with no git config of the machine leaking in, and a committer identity."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test Person")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.org")
    return home


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=check, timeout=60
    )


@pytest.fixture
def repo(tmp_path: Path, git_env: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return path
