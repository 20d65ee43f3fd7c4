from __future__ import annotations

import os
from pathlib import Path

import pytest
from corral.config.schema import MemorySettings
from corral.memory.session_memory import SessionMemory


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def load(project: Path):
    """Build the startup memory of a session in ``project`` (or a cwd below it)."""

    def build(cwd: Path | None = None, **settings: object) -> SessionMemory:
        return SessionMemory(MemorySettings(**settings), (cwd or project).resolve())  # type: ignore[arg-type]

    return build


def sources(memory: SessionMemory) -> list[str]:
    """Loaded files as ``kind:path relative to the filesystem's test root``."""
    return [f"{f.kind}:{f.path}" for f in memory.all_files]


@pytest.fixture
def dirs() -> dict[str, Path]:
    home = Path(os.environ["HOME"])
    return {
        "home": home,
        "claude_user": Path(os.environ["CLAUDE_CONFIG_DIR"]),
        "corral_config": Path(os.environ["CORRAL_HOME"]) / "config",
        "managed": Path(os.environ["CORRAL_MANAGED_DIR"]),
    }


from tests.cli.conftest import run_cli  # noqa: E402,F401  (the end-to-end fixture)
