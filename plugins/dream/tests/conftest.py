from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from corral.api import App, Config, MemoryEntry, MemoryStore, new_id
from corral_dream.settings import Settings


@pytest.fixture(autouse=True)
def _isolated_home(corral_isolated: Path) -> Path:
    return corral_isolated


NOW = datetime.now(UTC).replace(microsecond=0)


def entry(text: str, *, days_old: float = 1, **fields: Any) -> MemoryEntry:
    stamp = NOW - timedelta(days=days_old)
    fields.setdefault("topic", fields.get("type", "project"))
    return MemoryEntry(id=fields.pop("id", new_id()), text=text, created=stamp, updated=stamp,
                       **fields)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("def handle_request():\n    return 1\n")
    (root / "README.md").write_text("# demo\n")
    return root


@pytest.fixture
def fill(project: Path) -> Callable[..., MemoryStore]:
    def put(*entries: MemoryEntry) -> MemoryStore:
        store = MemoryStore.for_project(project)
        with store.transaction(source="test") as tx:
            for e in entries:
                tx.put(e)
        return store

    return put


@pytest.fixture
def config(project: Path) -> Config:
    return App.create(cwd=project, environ={}).config


SETTINGS = Settings()


def tree_hashes(root: Path, skip: Path | None = None) -> dict[str, str]:
    """sha256 of every file under ``root`` (except those under ``skip``)."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not (skip and skip in path.parents):
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
