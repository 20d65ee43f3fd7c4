from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corral.cli import main


@pytest.fixture(autouse=True)
def _isolated_home(corral_isolated: Path) -> Path:
    return corral_isolated


@pytest.fixture
def project(corral_project: Path) -> Path:
    """An empty project directory with ``.claude/agents/``, as the cwd."""
    (corral_project / ".claude" / "agents").mkdir()
    return corral_project


RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> RunCli:
    """Run ``corral ARGS`` in this process (the real CLI, the real SDK over loopback)."""

    def run(*args: str, stdin: str = "", settings: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        (project / ".claude" / "corral.local.toml").write_text(
            "[api]\nretry_base_delay_s = 0.01\nmax_retries = 1\n" + settings
        )
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def result_of(out: str) -> dict[str, Any]:
    return json.loads(out.strip().splitlines()[-1])


def write_agent(folder: Path, name: str, body: str, **front: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", f"name: {name}", f"description: {front.pop('description', name + ' agent')}"]
    lines += [f"{key}: {value}" for key, value in front.items()]
    path = folder / f"{name}.md"
    path.write_text("\n".join([*lines, "---", body, ""]))
    return path


def alive(pid: int) -> bool:
    """Whether a process with this pid still exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
