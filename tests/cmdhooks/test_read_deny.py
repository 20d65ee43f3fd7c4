"""Grep and Glob leave out files a Read deny rule covers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral.app import App
from corral.session import Session
from corral.tools.base import Tool
from corral.tools.builtin import Glob, Grep


@pytest.fixture
def workdir(project: Path) -> Path:
    (project / ".claude" / "corral.toml").write_text(
        '[permissions]\ndeny = ["Read(./.env)", "Read(secrets/**)"]\n')
    (project / "secrets").mkdir()
    (project / "secrets" / "key.txt").write_text("TOKEN=abc\n")
    (project / ".env").write_text("TOKEN=def\n")
    (project / "app.py").write_text("TOKEN = read_it()\n")
    return project


def _run(tool: Tool, cwd: Path, **params: Any) -> str:
    session = Session(App.create(cwd=cwd), cwd=cwd, headless=True)
    result = asyncio.run(tool.run(session, msgspec.convert(params, type(tool).input_type)))
    assert not result.is_error, result.content
    assert isinstance(result.content, str)
    return result.content


@pytest.mark.parametrize("backend", ["python", "rg"])
def test_grep_skips_read_denied_files(workdir: Path, backend: str) -> None:
    if backend == "rg":
        import shutil

        if shutil.which("rg") is None:
            pytest.skip("ripgrep is not installed")
    found = _run(Grep(backend=backend), workdir, pattern="TOKEN")  # type: ignore[arg-type]
    assert found.splitlines() == ["Found 1 file", "app.py"]
    content = _run(Grep(backend=backend), workdir, pattern="TOKEN",  # type: ignore[arg-type]
                   output_mode="content")
    assert "abc" not in content and "def" not in content and "app.py:1:" in content


def test_glob_skips_read_denied_files(workdir: Path) -> None:
    listed = _run(Glob(), workdir, pattern="**/*").splitlines()
    assert "app.py" in listed
    assert "secrets/key.txt" not in listed and ".env" not in listed


def test_without_deny_rules_nothing_is_skipped(project: Path) -> None:
    (project / "secrets").mkdir()
    (project / "secrets" / "key.txt").write_text("TOKEN=abc\n")
    assert "secrets/key.txt" in _run(Glob(), project, pattern="**/*.txt").splitlines()
    assert "secrets/key.txt" in _run(Grep(backend="python"), project, pattern="TOKEN")
