"""Small wrappers around the ``git`` command line."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(cwd: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` in ``cwd`` and capture its output as text."""
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=check,
    )


def repo_root(cwd: Path) -> Path | None:
    """The work tree root that holds ``cwd``, or ``None`` outside a repository."""
    try:
        proc = git(cwd, "rev-parse", "--show-toplevel")
    except (OSError, ValueError):
        return None
    if proc.returncode != 0 or not proc.stdout.strip():
        return None
    return Path(proc.stdout.strip()).resolve()


def remote_urls(root: Path) -> list[str]:
    """Every fetch and push URL of every remote."""
    proc = git(root, "remote", "-v")
    urls: list[str] = []
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] not in urls:
            urls.append(parts[1])
    return urls


def config_path(root: Path) -> Path | None:
    """The repository's config file (its mtime tells when remotes may have changed)."""
    proc = git(root, "rev-parse", "--git-path", "config")
    if proc.returncode != 0:
        return None
    p = Path(proc.stdout.strip())
    return p if p.is_absolute() else root / p


def hooks_dir(root: Path) -> Path:
    """Where git looks for hooks (honours ``core.hooksPath``)."""
    proc = git(root, "rev-parse", "--git-path", "hooks", check=True)
    p = Path(proc.stdout.strip())
    return p if p.is_absolute() else root / p


def is_ignored(root: Path, path: Path) -> bool:
    """Whether git ignores ``path`` (so it is not going to be committed)."""
    proc = git(root, "check-ignore", "-q", "--", str(path))
    return proc.returncode == 0


def staged_diff(root: Path) -> str:
    """The staged changes, without context lines."""
    return git(root, "diff", "--cached", "--no-color", "--no-ext-diff", "-U0", check=True).stdout


def staged_new_paths(root: Path) -> list[str]:
    """Paths of staged files that are added, copied or renamed."""
    out = git(root, "diff", "--cached", "--name-only", "--diff-filter=ACR", "-z", check=True)
    return [p for p in out.stdout.split("\0") if p]


def object_type(root: Path, oid: str) -> str:
    return git(root, "cat-file", "-t", oid).stdout.strip()


def object_text(root: Path, oid: str) -> str:
    return git(root, "cat-file", "-p", oid).stdout


def commits(root: Path, rev_args: list[str], limit: int = 1000) -> list[str]:
    """Commit ids selected by ``rev_args`` (a ``git rev-list`` argument list)."""
    proc = git(root, "rev-list", f"--max-count={limit}", *rev_args)
    return proc.stdout.split() if proc.returncode == 0 else []


def commit_message(root: Path, oid: str) -> str:
    return git(root, "log", "-1", "--format=%B", oid).stdout


def commit_diff(root: Path, oid: str) -> str:
    return git(
        root, "diff-tree", "-p", "--no-color", "--no-ext-diff", "-U0", "--root", "-m",
        "--first-parent", "--no-commit-id", oid,
    ).stdout  # fmt: skip


def is_zero(oid: str) -> bool:
    """Whether ``oid`` is git's all-zero id (a ref being created or deleted)."""
    return bool(oid) and set(oid) == {"0"}
