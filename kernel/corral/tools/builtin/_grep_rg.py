"""Grep's ripgrep back end: runs ``rg --json`` and collects matching line numbers."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

import msgspec

from corral.hints import resolve_annotations
from corral.tools.builtin._grep_query import VCS_EXCLUDES, GrepQuery


class RipgrepError(Exception):
    """ripgrep refused the search (for example an invalid regex); the message is its own."""


class _Text(msgspec.Struct):
    text: str | None = None
    b64: str | None = msgspec.field(default=None, name="bytes")

    def raw(self) -> bytes:
        if self.text is not None:
            return os.fsencode(self.text)
        return base64.b64decode(self.b64 or "")


class _Data(msgspec.Struct):
    path: _Text | None = None
    lines: _Text | None = None
    line_number: int | None = None


class _Message(msgspec.Struct):
    type: str
    data: _Data


resolve_annotations(_Message)  # through the code cache (see corral.hints)
_decoder = msgspec.json.Decoder(_Message)


def command(rg: str, query: GrepQuery) -> tuple[list[str], Path]:
    """The ripgrep argument list for ``query`` and the directory to run it in."""
    args = [rg, "--json", "--no-config", "--no-messages", "--hidden", "--no-require-git"]
    args += ["--no-ignore-global", "--no-ignore-exclude"]
    if query.ignore_case:
        args.append("--ignore-case")
    if query.multiline:
        args += ["--multiline", "--multiline-dotall"]
    if query.files_only:
        args += ["--max-count", "1"]
    for glob in (*query.globs, *VCS_EXCLUDES):
        args += ["--glob", glob]
    if query.type_globs:
        for glob in query.type_globs:
            args += ["--type-add", f"corral:{glob}"]
        args += ["--type", "corral"]
    if query.root.is_dir():
        cwd, target = query.root, "."
    else:
        cwd, target = query.root.parent, query.root.name
    return [*args, "--regexp", query.pattern, "--", target], cwd


def parse(output: bytes, cwd: Path) -> dict[Path, list[int]]:
    """Matching line numbers by absolute path, from ``rg --json`` output."""
    results: dict[Path, set[int]] = {}
    for line in output.splitlines():
        if not line.startswith(b'{"type":"match"'):
            continue
        msg = _decoder.decode(line)
        data = msg.data
        if data.path is None or data.lines is None or data.line_number is None:
            continue
        path = Path(os.path.normpath(cwd / os.fsdecode(data.path.raw())))
        text = data.lines.raw()
        count = text.count(b"\n") + (0 if text.endswith(b"\n") else 1)
        first = data.line_number
        results.setdefault(path, set()).update(range(first, first + max(count, 1)))
    return {path: sorted(lines) for path, lines in results.items()}


async def search(rg: str, query: GrepQuery) -> dict[Path, list[int]]:
    """Run ripgrep for ``query``; raise :class:`RipgrepError` when it reports an error."""
    args, cwd = command(rg, query)
    proc = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await proc.communicate()
    except asyncio.CancelledError:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    results = parse(out, cwd)
    if proc.returncode == 2 and not results:
        raise RipgrepError(err.decode("utf-8", errors="replace").strip() or "ripgrep failed")
    return results
