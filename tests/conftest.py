from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from corral.testing import isolate

#: Test modules that drive the scripted server through the anthropic SDK itself; without the
#: SDK (``corral[sdk]`` not installed) they are not collected, the rest run unchanged.
collect_ignore_glob = [] if importlib.util.find_spec("anthropic") else [
    "testing/*.py", "engine/test_loop.py",
]


@pytest.fixture(autouse=True)
def _isolated_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return isolate(monkeypatch, tmp_path_factory.mktemp("corral-env"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty git-less project directory with a ``.claude/`` folder, as the cwd."""
    root = tmp_path / "project"
    (root / ".claude").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root
