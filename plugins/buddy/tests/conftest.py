"""Fixtures: every test runs with a private home, and can build a real corral App/Session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from corral.api import App, Session
from corral.testing import isolate


@pytest.fixture(autouse=True)
def corral_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``CORRAL_HOME`` (and HOME) inside the test's tmp dir; only the buddy plugin loads."""
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("CORRAL_LOAD_PLUGINS", "buddy")
    yield tmp_path / "corral-home"


@pytest.fixture
def buddy_root(corral_home: Path) -> Path:
    """Where buddy keeps its files under the test's ``CORRAL_HOME``."""
    return corral_home / "data" / "buddy"


@pytest.fixture
def write_config(corral_home: Path) -> Callable[[str], Path]:
    """Write the user ``config.toml`` (e.g. a ``[plugins.buddy]`` table)."""

    def write(text: str) -> Path:
        path = corral_home / "config" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_session(tmp_path: Path, write_config: Callable[[str], Path]) -> Callable[..., Session]:
    """A real App (config layers + plugin host with corral-buddy) and a Session on it."""

    def make(toml: str = "", *, headless: bool = False) -> Session:
        write_config(toml)
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        app = App.create(cwd=project, strict=True)
        return Session(app, headless=headless)

    return make
