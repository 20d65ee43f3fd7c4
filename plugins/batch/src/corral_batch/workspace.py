"""A task's own checkout: clone, check out the ref, run setup, and diff what the agent did."""

from __future__ import annotations

import os
from pathlib import Path

from corral_batch import proc


class WorkspaceError(Exception):
    """The checkout or a setup command failed; the message says which and why."""


def git_env() -> dict[str, str]:
    """The environment for git: never prompt for credentials (a batch has no one to ask)."""
    return dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true")


async def _git(cwd: Path, *args: str) -> proc.Finished:
    return await proc.run(["git", *args], cwd=cwd, env=git_env())


async def _git_ok(cwd: Path, *args: str) -> bytes:
    done = await _git(cwd, *args)
    if done.code != 0:
        raise WorkspaceError(f"git {' '.join(args)} failed (exit {done.code}): {done.err_tail()}")
    return done.out


async def checkout(repo: str, ref: str | None, workdir: Path) -> str:
    """Clone ``repo`` into ``workdir`` and check ``ref`` out detached; return the commit."""
    workdir.parent.mkdir(parents=True, exist_ok=True)
    await _git_ok(workdir.parent, "clone", "--quiet", "--no-checkout", repo, workdir.name)
    commit = await _resolve(workdir, ref or "HEAD")
    await _git_ok(workdir, "checkout", "--quiet", "--detach", commit)
    return commit


async def _resolve(workdir: Path, ref: str) -> str:
    for candidate in (ref, f"origin/{ref}"):
        done = await _git(workdir, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
        if done.code == 0:
            return done.out.decode().strip()
    fetched = await _git(workdir, "fetch", "--quiet", "origin", ref)
    if fetched.code != 0:
        raise WorkspaceError(f"ref {ref!r} is not in the repository: {fetched.err_tail()}")
    return (await _git_ok(workdir, "rev-parse", "FETCH_HEAD^{commit}")).decode().strip()


async def run_setup(commands: list[str], workdir: Path, timeout: float | None) -> None:
    """Run each setup command with ``sh -c`` in ``workdir``; the first failure ends the task."""
    for number, command in enumerate(commands, start=1):
        try:
            done = await proc.run(["sh", "-c", command], cwd=workdir, timeout=timeout)
        except TimeoutError as exc:
            raise WorkspaceError(f"setup command {number} ({command!r}) timed out") from exc
        if done.code != 0:
            raise WorkspaceError(f"setup command {number} ({command!r}) failed "
                                 f"(exit {done.code}): {done.err_tail()}")


async def snapshot(workdir: Path) -> str:
    """Stage everything in ``workdir`` and return the tree id: the base the patch is taken
    against, so what setup commands made is not part of it."""
    await _git_ok(workdir, "add", "-A")
    return (await _git_ok(workdir, "write-tree")).decode().strip()


async def patch_since(workdir: Path, base_tree: str) -> str:
    """``git diff --binary`` from ``base_tree`` to the files as they are now (new files too,
    ignored ones not)."""
    await _git_ok(workdir, "add", "-A")
    return (await _git_ok(workdir, "diff", "--cached", "--binary", base_tree)).decode(
        errors="replace")
