"""Grep: search file contents with a regular expression.

ripgrep does the search when ``rg`` is on PATH, a Python search otherwise (or when the
``CORRAL_GREP_BACKEND`` environment variable is ``python``). Both yield matching line numbers
per file; the output is rendered from those here, so it has one format whichever ran.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from corral.tools.base import Tool, ToolResult
from corral.tools.builtin import _grep_py, _grep_rg
from corral.tools.builtin._grep_query import GrepQuery
from corral.tools.builtin._grep_types import FILE_TYPES
from corral.tools.builtin._read_tracking import display, resolve
from corral.tools.builtin.glob import read_denied_filter

if TYPE_CHECKING:
    from corral.session import Session

#: Environment variable choosing the back end: ``rg``, ``python`` or unset for automatic.
BACKEND_ENV = "CORRAL_GREP_BACKEND"
#: Lines longer than this are cut in content output.
MAX_LINE_CHARS = 500
#: The rendered result stops near this many characters, with a note.
MAX_OUTPUT_CHARS = 30_000

Backend = Literal["rg", "python"]

_N = Annotated[int, msgspec.Meta(ge=0)]


class GrepInput(msgspec.Struct, kw_only=True):
    pattern: Annotated[str, msgspec.Meta(description="Regular expression to search for.")]
    path: (
        Annotated[str, msgspec.Meta(description="File or directory to search (default: cwd).")]
        | None
    ) = None
    glob: (
        Annotated[
            str,
            msgspec.Meta(description="Only files matching this glob, e.g. `*.py`, `*.{ts,tsx}`."),
        ]
        | None
    ) = None
    type: (
        Annotated[str, msgspec.Meta(description="Only files of this type, e.g. py, js, rust.")]
        | None
    ) = None
    output_mode: Annotated[
        Literal["content", "files_with_matches", "count"],
        msgspec.Meta(
            description=(
                "content: matching lines; files_with_matches: paths only (default); "
                "count: matching lines per file."
            )
        ),
    ] = "files_with_matches"
    ignore_case: Annotated[bool, msgspec.Meta(description="Case-insensitive search.")] = (
        msgspec.field(default=False, name="-i")
    )
    line_numbers: Annotated[
        bool, msgspec.Meta(description="Show line numbers (content mode; default true).")
    ] = msgspec.field(default=True, name="-n")
    after: Annotated[_N, msgspec.Meta(description="Lines of context after each match.")] | None = (
        msgspec.field(default=None, name="-A")
    )
    before: (
        Annotated[_N, msgspec.Meta(description="Lines of context before each match.")] | None
    ) = msgspec.field(default=None, name="-B")
    context: (
        Annotated[_N, msgspec.Meta(description="Lines of context around each match.")] | None
    ) = msgspec.field(default=None, name="-C")
    multiline: Annotated[
        bool,
        msgspec.Meta(description="Let matches span lines (`.` then also matches newlines)."),
    ] = False
    head_limit: (
        Annotated[
            int,
            msgspec.Meta(ge=1, description="Show only the first N lines, files or counts."),
        ]
        | None
    ) = None


def _choose_backend(forced: Backend | None) -> tuple[Backend, str | None]:
    choice = forced or os.environ.get(BACKEND_ENV) or None
    rg = shutil.which("rg")
    if choice == "python" or (choice is None and rg is None):
        return "python", None
    if rg is None:
        raise FileNotFoundError("ripgrep (rg) was requested but is not on PATH")
    return "rg", rg


def _cut(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    return f"{line[:MAX_LINE_CHARS]}… [{len(line) - MAX_LINE_CHARS} more characters]"


def _file_lines(path: Path) -> list[str]:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _content(session: Session, hits: dict[Path, list[int]], params: GrepInput) -> list[str]:
    before = params.before if params.before is not None else (params.context or 0)
    after = params.after if params.after is not None else (params.context or 0)
    out: list[str] = []
    for path in sorted(hits):
        shown = display(session, path)
        lines = _file_lines(path)
        matched = set(hits[path])
        wanted: list[int] = []
        for n in hits[path]:
            for k in range(max(1, n - before), min(len(lines), n + after) + 1):
                if not wanted or k > wanted[-1]:
                    wanted.append(k)
        previous = None
        for k in wanted:
            if (before or after) and out and (previous is None or k > previous + 1):
                out.append("--")
            sep = ":" if k in matched else "-"
            number = f"{k}{sep}" if params.line_numbers else ""
            out.append(f"{shown}{sep}{number}{_cut(lines[k - 1])}")
            previous = k
    return out


def _render(session: Session, hits: dict[Path, list[int]], params: GrepInput) -> str:
    mode = params.output_mode
    if not hits:
        return "No files found." if mode == "files_with_matches" else "No matches found."
    if mode == "files_with_matches":

        def newest(path: Path) -> tuple[float, str]:
            try:
                return (-path.stat().st_mtime, str(path))
            except OSError:
                return (0.0, str(path))

        rows = [display(session, p) for p in sorted(hits, key=newest)]
        head = f"Found {len(rows)} file{'s' if len(rows) != 1 else ''}"
    elif mode == "count":
        rows = [f"{display(session, p)}:{len(hits[p])}" for p in sorted(hits)]
        total = sum(len(v) for v in hits.values())
        head = f"Found {total} matching line{'s' if total != 1 else ''} in {len(hits)} files"
    else:
        rows = _content(session, hits, params)
        head = ""
    notes: list[str] = []
    if params.head_limit is not None and len(rows) > params.head_limit:
        notes.append(f"[Showing the first {params.head_limit} of {len(rows)} entries.]")
        rows = rows[: params.head_limit]
    size = len(head)
    for i, row in enumerate(rows):
        size += len(row) + 1
        if size > MAX_OUTPUT_CHARS:
            notes.append(
                f"[Output cut after {i} of {len(rows)} entries; narrow the search with path, "
                "glob, type or head_limit.]"
            )
            rows = rows[:i]
            break
    return "\n".join(([head] if head else []) + rows + notes)


class Grep(Tool):
    name = "Grep"
    description = (
        "Search file contents with a regular expression (ripgrep syntax). Hidden files are "
        "searched; .gitignore'd files, version-control directories and binary files are "
        "not. Narrow with path, glob (`*.py`, `*.{ts,tsx}`) or type (py, js, rust, go …). "
        "output_mode files_with_matches (default) lists matching files newest first; "
        "content shows matching lines as path:line:text, with -A/-B/-C context lines as "
        "path-line-text; count gives matching lines per file. -i ignores case; multiline "
        "lets a match span lines. Use this instead of running grep or rg through Bash."
    )
    input_type = GrepInput
    concurrency_safe = True
    read_only = True

    def __init__(self, backend: Backend | None = None) -> None:
        #: Force a back end (tests use this); None follows CORRAL_GREP_BACKEND, then PATH.
        self.backend = backend

    async def run(self, session: Session, params: GrepInput) -> ToolResult:
        root = resolve(session, params.path) if params.path else Path(session.cwd)
        if not root.exists():
            return ToolResult(
                content=f"path {display(session, root)} does not exist.", is_error=True
            )
        type_globs: tuple[str, ...] = ()
        if params.type is not None:
            if params.type not in FILE_TYPES:
                known = ", ".join(sorted(FILE_TYPES))
                return ToolResult(
                    content=f"Unknown type {params.type!r}. Known types: {known}. "
                    "Or use glob instead.",
                    is_error=True,
                )
            type_globs = FILE_TYPES[params.type]
        query = GrepQuery(
            pattern=params.pattern,
            root=root,
            globs=(params.glob,) if params.glob else (),
            type_globs=type_globs,
            ignore_case=params.ignore_case,
            multiline=params.multiline,
            files_only=params.output_mode == "files_with_matches",
        )
        try:
            backend, rg = _choose_backend(self.backend)
        except FileNotFoundError as exc:
            return ToolResult(content=f"{exc}.", is_error=True)
        try:
            if rg is not None:
                hits = await _grep_rg.search(rg, query)
            else:
                hits = await asyncio.to_thread(_grep_py.search, query)
        except (_grep_rg.RipgrepError, re.error) as exc:
            return ToolResult(content=f"Invalid search: {exc}", is_error=True)
        denied = read_denied_filter(session, secrets=True)
        if denied is not None:
            hits = {path: lines for path, lines in hits.items() if not denied(path)}
        text = await asyncio.to_thread(_render, session, hits, params)
        return ToolResult(content=text, meta={"backend": backend, "files": len(hits)})
