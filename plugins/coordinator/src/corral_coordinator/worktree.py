"""``isolation: worktree``: a worker edits its own git worktree, merged back when it is done.

The worktree is a detached checkout of the repository's ``HEAD`` in corral's data folder
(never inside the project). When a run of the worker ends well (gate passed), its changes
since the last merge are applied to the main working tree as uncommitted changes, after a
``git apply --check``. A patch that does not apply is a conflict: nothing is changed, the
worktree is kept, and the report says which files clash and where the worktree is. The
worker's uncommitted changes made outside git (ignored files) are not carried over.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
from corral.api import CorralError

_IDENTITY = ("-c", "user.name=corral", "-c", "user.email=corral@localhost",
             "-c", "commit.gpgsign=false")


class WorktreeError(CorralError):
    """A git command for a worker's worktree failed."""


class Worktree(msgspec.Struct, kw_only=True):
    #: The main repository's top folder (where changes are merged back).
    repo: str
    path: str
    #: The commit the worktree's unmerged changes are relative to.
    base: str
    #: A merge failed: keep the worktree for the user to merge by hand.
    keep: bool = False


class MergeReport(msgspec.Struct, frozen=True, kw_only=True):
    merged: bool
    files: list[str]
    text: str


async def git(cwd: str | Path, *args: str, stdin: bytes | None = None) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "git", *args, cwd=str(cwd), stdin=asyncio.subprocess.PIPE if stdin is not None else None,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate(stdin)
    return process.returncode or 0, out.decode("utf-8", "replace").strip()


async def _must(cwd: str | Path, *args: str, stdin: bytes | None = None) -> str:
    code, out = await git(cwd, *args, stdin=stdin)
    if code != 0:
        raise WorktreeError(f"`git {' '.join(args)}` failed in {cwd} (status {code}): {out}")
    return out


async def create(cwd: Path, folder: Path) -> Worktree:
    """A detached worktree of the repository holding ``cwd``, at ``folder``."""
    code, top = await git(cwd, "rev-parse", "--show-toplevel")
    if code != 0:
        raise WorktreeError(f"isolation 'worktree' needs a git repository, and {cwd} is not in "
                            "one; start the worker without isolation or run `git init`")
    base = await _must(top, "rev-parse", "HEAD")
    folder.parent.mkdir(parents=True, exist_ok=True)
    await _must(top, "worktree", "add", "--detach", str(folder), base)
    return Worktree(repo=top, path=str(folder), base=base)


async def merge_back(tree: Worktree) -> MergeReport:
    """Apply the worktree's changes since the last merge to the main working tree."""
    await _must(tree.path, "add", "-A")
    patch = await _must(tree.path, "diff", "--cached", "--binary", tree.base)
    if not patch:
        return MergeReport(merged=True, files=[], text="no changes to merge")
    names = (await _must(tree.path, "diff", "--cached", "--name-only", tree.base)).splitlines()
    data = (patch + "\n").encode()
    code, out = await git(tree.repo, "apply", "--check", "--whitespace=nowarn", stdin=data)
    if code != 0:
        tree.keep = True
        return MergeReport(merged=False, files=names, text=(
            f"CONFLICT: the changes to {', '.join(names)} do not apply to {tree.repo} (the "
            f"files changed there meanwhile); nothing was merged. The worker's tree is kept at "
            f"{tree.path}.\n{out}"))
    await _must(tree.repo, "apply", "--whitespace=nowarn", stdin=data)
    await _must(tree.path, *_IDENTITY, "commit", "-q", "--no-verify", "-m", "corral worker")
    tree.base = await _must(tree.path, "rev-parse", "HEAD")
    return MergeReport(merged=True, files=names,
                       text=f"merged into {tree.repo}: {', '.join(names)}")


async def remove(tree: Worktree) -> None:
    """Remove the worktree unless a failed merge left changes the user still needs."""
    if tree.keep:
        return
    await git(tree.repo, "worktree", "remove", "--force", tree.path)


def same_place(tree: Worktree, cwd: Path) -> Path:
    """The folder in the worktree that matches ``cwd`` in the main working tree."""
    inside = Path(tree.path)
    try:
        return inside / cwd.resolve().relative_to(Path(tree.repo).resolve())
    except ValueError:
        return inside
