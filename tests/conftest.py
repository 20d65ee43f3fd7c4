from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

#: Test modules that drive the scripted server through the anthropic SDK itself; without the
#: SDK (``corral[sdk]`` not installed) they are not collected, the rest run unchanged.
collect_ignore_glob = [] if importlib.util.find_spec("anthropic") else [
    "testing/*.py", "engine/test_loop.py",
]


@pytest.fixture(autouse=True)
def _isolated_home(corral_isolated: Path) -> Path:
    return corral_isolated


@pytest.fixture
def project(corral_project: Path) -> Path:
    """An empty git-less project directory with a ``.claude/`` folder, as the cwd."""
    return corral_project
