from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _isolated_home(corral_isolated: Path) -> Path:
    return corral_isolated


@pytest.fixture
def project(corral_project: Path) -> Path:
    """A project directory with a ``.claude/`` folder, as the cwd."""
    return corral_project


def git(root: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "HOME": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True, timeout=20)
    return done.stdout.strip()


@pytest.fixture
def git_project(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    (project / ".gitignore").write_text("*.log\n.claude/\n")
    (project / "README").write_text("hello\n")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first")
    return project


async def until(check: Callable[[], bool], timeout: float = 5.0, step: float = 0.02) -> None:
    """Wait (bounded) until ``check()`` is true; fail the test otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            pytest.fail(f"condition not met within {timeout}s")
        await asyncio.sleep(step)


async def bounded(awaitable: Awaitable[T], timeout: float = 10.0) -> T:
    return await asyncio.wait_for(awaitable, timeout)


class FakeClock:
    def __init__(self, start: float = 1_780_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def text_of(content: object) -> str:
    """The text of a message's content, whether a string or a list of blocks."""
    if isinstance(content, str):
        return content
    assert isinstance(content, list)
    return "".join(b.get("text", "") for b in content if isinstance(b, dict))
