"""Fixtures: a private home, a small git repository to work on, a task file writer, and the
``corral batch`` driver run as its own process against the scripted Messages-API server.

Every scripted task asks the model once: the first reply writes ``<id>.txt`` with the Write
tool, the second ends the turn with ``done <id>``; the task's id travels in its prompt, so the
server's request log says which task asked what.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral.testing import MessagesServer, RecordedRequest, Reply, text, tool_use

#: ``[task ID]`` in a prompt names the task a request belongs to.
MARKER = re.compile(r"\[task ([A-Za-z0-9._-]+)\]")


@pytest.fixture(autouse=True)
def _home(corral_isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRAL_LOAD_PLUGINS", "batch")
    monkeypatch.setenv("CORRAL_SANDBOX", "0")  # no shell runs; spare each task the probe
    return corral_isolated


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True, timeout=20)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one commit on ``main`` and a second branch ``other``."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "README").write_text("hello\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    git(root, "branch", "other")
    (root / "README").write_text("hello again\n")
    git(root, "commit", "-q", "-am", "second")
    return root


def task_id_of(request: RecordedRequest) -> str | None:
    first = request.messages[0]["content"] if request.messages else ""
    found = MARKER.search(first if isinstance(first, str) else msgspec.json.encode(first).decode())
    return found.group(1) if found else None


def scripted(request: RecordedRequest) -> Reply:
    """Write ``<id>.txt``, then say done."""
    task = task_id_of(request) or "unknown"
    last = request.messages[-1]["content"]
    if isinstance(last, list) and any(b.get("type") == "tool_result" for b in last):
        return text(f"done {task}")
    return tool_use("Write", {"file_path": f"{task}.txt", "content": f"made by {task}\n"})


@pytest.fixture
def server(anthropic_server: MessagesServer) -> MessagesServer:
    anthropic_server.respond_with(scripted)
    return anthropic_server


@pytest.fixture
def write_tasks(tmp_path: Path, repo: Path) -> Callable[..., Path]:
    def write(count: int, name: str = "tasks.jsonl", **extra: Any) -> Path:
        path = tmp_path / name
        lines = []
        for n in range(count):
            task = {"id": f"t{n:03d}", "prompt": f"[task t{n:03d}] write your file",
                    "repo": os.path.relpath(repo, tmp_path), "permission_mode": "acceptEdits",
                    **extra}
            lines.append(msgspec.json.encode(task).decode())
        path.write_text("\n".join(lines) + "\n")
        return path

    return write


def batch_argv(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "corral", "batch", *map(str, args)]


@pytest.fixture
def run_batch(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run(batch_argv(*args), cwd=tmp_path, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)

    return run
