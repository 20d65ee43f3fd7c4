"""Read: show a text file with line numbers, or an image as an image block."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import msgspec

from corral.tools.base import Tool, ToolResult
from corral.tools.builtin._read_tracking import display, numbered, record_digest, resolve

if TYPE_CHECKING:
    from corral.session import Session

DEFAULT_LIMIT = 2000
MAX_LINE_CHARS = 2000
#: Stop adding lines once the rendered text passes this many characters.
MAX_OUTPUT_CHARS = 256_000
#: Images larger than this are refused (the API limits an image to about 5 MB of base64).
MAX_IMAGE_BYTES = 3_750_000
#: How far into a file the NUL-byte sniff for binary content looks.
SNIFF_BYTES = 8192

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


class ReadInput(msgspec.Struct, kw_only=True):
    file_path: Annotated[
        str,
        msgspec.Meta(description="Path of the file to read, absolute or relative to the cwd."),
    ]
    offset: (
        Annotated[
            int, msgspec.Meta(ge=1, description="Line number to start at (1 is the first line).")
        ]
        | None
    ) = None
    limit: (
        Annotated[int, msgspec.Meta(ge=1, description="How many lines to show (default 2000).")]
        | None
    ) = None


def _image_type(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _fitting(lines: list[str], first: int, budget: int) -> list[str]:
    """The leading ``lines`` whose numbered form fits in ``budget`` characters (at least one)."""
    used = 0
    for count, line in enumerate(lines):
        used += len(line) + 8  # the number column, the tab and the newline
        if used > budget:
            return lines[: max(count, 1)]
    return lines


def _missing(session: Session, path: Path) -> str:
    msg = f"File does not exist: {display(session, path)}."
    try:
        names = os.listdir(path.parent)
    except OSError:
        return msg + " Its directory does not exist either."
    import difflib  # only when a file is missing

    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.6)
    if close:
        shown = ", ".join(display(session, path.parent / name) for name in close)
        msg += f" Similar names in that directory: {shown}."
    return msg


def _cut(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    extra = len(line) - MAX_LINE_CHARS
    return f"{line[:MAX_LINE_CHARS]}… [line cut: {extra} more characters]"


class _Scan(msgspec.Struct):
    lines: list[str]
    total: int
    digest: str
    #: Some shown line was not valid UTF-8 (its bad bytes show as U+FFFD).
    not_utf8: bool = False


def _scan(fh: BinaryIO, first: int, limit: int) -> _Scan:
    """Count and hash every line of ``fh``; keep lines ``first`` … ``first+limit-1``.

    Lines end at ``\\n`` only (a trailing ``\\r`` is dropped for display), so numbers agree
    with Grep's and with ``cat -n``.
    """
    digest = hashlib.sha256()
    lines: list[str] = []
    total = size = 0
    full = False
    not_utf8 = False
    for raw in fh:
        digest.update(raw)
        total += 1
        if full or total < first or total >= first + limit:
            continue
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = raw.decode("utf-8", errors="replace")
            not_utf8 = True
        line = _cut(decoded.rstrip("\n").removesuffix("\r"))
        size += len(line) + 8
        if size > MAX_OUTPUT_CHARS and lines:
            full = True
            continue
        lines.append(line)
    return _Scan(lines=lines, total=total, digest=digest.hexdigest(), not_utf8=not_utf8)


class Read(Tool):
    name = "Read"
    description = (
        "Show the content of a file. Text comes back with line numbers (number, tab, line), "
        "at most 2000 lines per call: use offset and limit to page through longer files. "
        "Lines over 2000 characters are shortened. PNG, JPEG, GIF and WebP images come back "
        "as images. Binary files are refused. A file must be read before Write or Edit may "
        "change it, and read again if it changed on disk since."
    )
    input_type = ReadInput
    concurrency_safe = True
    read_only = True

    async def run(self, session: Session, params: ReadInput) -> ToolResult:
        return await asyncio.to_thread(self._read, session, params)

    def _read(self, session: Session, params: ReadInput) -> ToolResult:
        path = resolve(session, params.file_path)
        shown = display(session, path)
        if path.is_dir():
            return ToolResult(
                content=f"{shown} is a directory, not a file. List it with Glob or `ls`.",
                is_error=True,
            )
        if path.exists() and not path.is_file():
            return ToolResult(
                content=f"{shown} is not a regular file (a device, socket or pipe); Read "
                "only reads regular files.",
                is_error=True,
            )
        try:
            fh = open(path, "rb")  # closed by the `with fh` below
        except FileNotFoundError:
            return ToolResult(content=_missing(session, path), is_error=True)
        except OSError as exc:
            return ToolResult(content=f"Cannot read {shown}: {exc.strerror}.", is_error=True)
        with fh:
            head = fh.read(SNIFF_BYTES)
            if path.suffix.lower() in _IMAGE_SUFFIXES:
                media = _image_type(head[:16])
                if media is not None:
                    return self._image(session, path, fh, head, media)
            nul = head.find(b"\0")
            if nul != -1:
                return ToolResult(
                    content=(
                        f"{shown} looks like a binary file (NUL byte at offset {nul}); Read "
                        "shows text files and PNG/JPEG/GIF/WebP images only. Inspect it with a "
                        "command such as `file` or `xxd | head` instead."
                    ),
                    is_error=True,
                )
            fh.seek(0)
            first = params.offset or 1
            scan = _scan(fh, first, params.limit or DEFAULT_LIMIT)
        record_digest(session, path, scan.digest)
        if scan.total == 0:
            return ToolResult(content=f"{shown} exists but is empty (0 bytes).")
        if first > scan.total:
            return ToolResult(
                content=(
                    f"{shown} has {scan.total} lines; offset {first} is past the end. "
                    f"Use an offset between 1 and {scan.total}."
                ),
                is_error=True,
            )
        # Stop at whole lines before the engine's cap on a tool result would cut the middle
        # out, so the footer names exactly the lines shown.
        lines = _fitting(scan.lines, first, session.config.engine.max_tool_output_chars - 200)
        body = numbered(lines, first)
        last = first + len(lines) - 1
        if first > 1 or last < scan.total:
            more = (" (the size limit for one result was reached)"
                    if len(lines) < len(scan.lines) else "")
            body += (
                f"\n\n[Showing lines {first}-{last} of {scan.total}{more}. "
                "Use offset and limit to read other parts.]"
            )
        if scan.not_utf8:
            body += (
                f"\n\n[{shown} is not valid UTF-8: the bytes shown as \ufffd are not text in "
                "that encoding. It may be Latin-1 (ISO-8859-1) or Windows-1252; "
                f"`iconv -f latin1 -t utf-8 {shown}` shows it converted.]"
            )
        return ToolResult(
            content=body, meta={"path": str(path), "lines": scan.total, "shown": len(lines)}
        )

    def _image(
        self, session: Session, path: Path, fh: BinaryIO, head: bytes, media: str
    ) -> ToolResult:
        shown = display(session, path)
        size = os.fstat(fh.fileno()).st_size
        if size > MAX_IMAGE_BYTES:
            return ToolResult(
                content=(
                    f"{shown} is an image of {size} bytes, over the {MAX_IMAGE_BYTES}-byte "
                    "limit. Make a smaller copy (for example with ImageMagick) and read that."
                ),
                is_error=True,
            )
        data = head + fh.read()
        record_digest(session, path, hashlib.sha256(data).hexdigest())
        block = {
            "type": "image",
            "source": {
                "type": "base64",
                "media_type": media,
                "data": base64.b64encode(data).decode("ascii"),
            },
        }
        return ToolResult(content=[block], meta={"path": str(path), "media_type": media})
