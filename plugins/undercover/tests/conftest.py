"""Shared fixtures: settings with a few codenames, a scanner, an isolated git environment."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


Configure = Callable[..., Path]


@pytest.fixture
def corral_home(
    tmp_path: Path, git_env: Path, monkeypatch: pytest.MonkeyPatch
) -> Configure:
    """corral kept away from the machine's own setup, with only this plugin loaded.

    Returns ``configure(**table)``, which writes ``[plugins.undercover]`` (and any top-level
    keys given in ``top``) into the user's ``config.toml``, as the README advises.
    """
    root = tmp_path / "corral-env"
    monkeypatch.setenv("CORRAL_HOME", str(root / "corral-home"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(git_env / ".claude"))
    monkeypatch.setenv("CORRAL_MANAGED_DIR", str(root / "managed"))
    monkeypatch.setenv("CORRAL_LOAD_PLUGINS", "undercover")
    for name in ("CORRAL_FEATURES", "CORRAL_TRACE_PLUGINS", "CORRAL_MODEL",
                 "CORRAL_PERMISSION_MODE", "ANTHROPIC_MODEL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)

    def configure(top: dict[str, Any] | None = None, **table: Any) -> Path:
        path = root / "corral-home" / "config" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{k} = {json.dumps(v)}" for k, v in (top or {}).items()]
        lines += ["[plugins.undercover]"] + [f"{k} = {json.dumps(v)}" for k, v in table.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return configure
