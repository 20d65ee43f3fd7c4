"""Glob: find files by name pattern, newest first."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import msgspec

from corral.tools.base import Tool, ToolResult
from corral.tools.builtin._globs import path_regex
from corral.tools.builtin._read_tracking import display, resolve

if TYPE_CHECKING:
    from corral.session import Session

#: At most this many paths are listed.
MAX_RESULTS = 100
#: Directories never walked into: version-control metadata.
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr", ".jj", ".sl"})

_MAGIC = set("*?[{\\")


class GlobInput(msgspec.Struct, kw_only=True):
    pattern: Annotated[
        str,
        msgspec.Meta(
            description=(
                "Glob matched against paths relative to `path`: `*` and `?` stay within one "
                "directory, `**` spans any number, `{a,b}` gives alternatives "
                "(e.g. `**/*.py`, `src/**/*.{ts,tsx}`)."
            )
        ),
    ]
    path: (
        Annotated[
            str, msgspec.Meta(description="Directory to search in (default: the working dir).")
        ]
        | None
    ) = None


def _literal_prefix(pattern: str) -> tuple[str, str]:
    """Split leading pattern parts without wildcards (a directory to start in) from the rest."""
    parts = pattern.split("/")
    fixed: list[str] = []
    while len(parts) > 1 and not (_MAGIC & set(parts[0])):
        fixed.append(parts.pop(0))
    return "/".join(fixed), "/".join(parts)


def walk_files(top: Path) -> list[tuple[str, Path]]:
    """Every regular file below ``top`` (not following symlinked dirs, skipping VCS dirs),
    as (path relative to ``top`` with ``/``, absolute path)."""
    found: list[tuple[str, Path]] = []
    stack = [(top, "")]
    while stack:
        directory, rel = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            sub = f"{rel}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in VCS_DIRS:
                        stack.append((Path(entry.path), sub + "/"))
                elif entry.is_file():
                    found.append((sub, Path(entry.path)))
            except OSError:
                continue
    return found


def _find(root: Path, pattern: str) -> list[tuple[float, str, Path]]:
    """Files below ``root`` matching ``pattern``, newest first (ties by path)."""
    fixed, rest = _literal_prefix(pattern)
    start = root / fixed if fixed else root
    regex = path_regex(rest)
    hits: list[tuple[float, str, Path]] = []
    if start.is_dir():
        for rel, path in walk_files(start):
            if regex.match(rel):
                try:
                    mtime = path.stat().st_mtime
                except OSError:
                    continue
                hits.append((mtime, str(path), path))
    hits.sort(key=lambda h: (-h[0], h[1]))
    return hits


def read_denied_filter(session: Session, secrets: bool = False) -> Callable[[Path], bool] | None:
    """A test for files a Read deny rule covers, which tools that walk directories (Glob,
    Grep) leave out; ``None`` when no deny rule names a path (nothing to test). With
    ``secrets``, files that look like secrets (and no allow rule names) are left out too."""
    from corral.permissions import path_is_read_denied, path_is_secret
    from corral.permissions.session import permission_context

    ctx = permission_context(session)
    sets = [ctx.managed] if ctx.managed_rules_only else [ctx.managed, ctx.rules]
    deny = any(r.matcher == "path" for rules in sets for r in rules.for_tool("deny", "Read",
                                                                             "read"))
    hide = secrets and bool(ctx.secret_files)
    if not deny and not hide:
        return None
    if not hide:
        return lambda path: path_is_read_denied(str(path), ctx)
    return lambda path: path_is_read_denied(str(path), ctx) or path_is_secret(str(path), ctx)


class Glob(Tool):
    name = "Glob"
    description = (
        "Find files whose path matches a glob pattern, such as `**/*.py` or `src/**/*.ts`. "
        "Paths are listed newest first (by modification time), at most 100; version-control "
        "directories like .git are skipped. Use it to locate files by name; use Grep to "
        "search inside them."
    )
    input_type = GlobInput
    concurrency_safe = True
    read_only = True

    async def run(self, session: Session, params: GlobInput) -> ToolResult:
        root = resolve(session, params.path) if params.path else Path(session.cwd)
        if not root.is_dir():
            what = "does not exist" if not root.exists() else "is not a directory"
            return ToolResult(
                content=f"path {display(session, root)} {what}; give a directory to search.",
                is_error=True,
            )
        pattern = params.pattern.removeprefix("./")
        if os.path.isabs(pattern):
            return ToolResult(
                content=(
                    "pattern must be relative; put the directory in `path` and the pattern "
                    "relative to it."
                ),
                is_error=True,
            )
        hits = await asyncio.to_thread(_find, root, pattern)
        denied = read_denied_filter(session)
        if denied is not None:
            hits = [hit for hit in hits if not denied(hit[2])]
        if not hits:
            return ToolResult(content="No files found.", meta={"count": 0})
        shown = [display(session, path) for _, _, path in hits[:MAX_RESULTS]]
        text = "\n".join(shown)
        if len(hits) > MAX_RESULTS:
            text += (
                f"\n[Showing the {MAX_RESULTS} newest of {len(hits)} files. "
                "Use a narrower pattern or path to see the others.]"
            )
        return ToolResult(content=text, meta={"count": len(hits)})
