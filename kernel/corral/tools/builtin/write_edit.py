"""Write and Edit: change files the model has read, atomically."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import msgspec

from corral.tools.base import Tool, ToolResult
from corral.tools.builtin._read_tracking import (
    atomic_write,
    display,
    numbered,
    record,
    resolve,
    staleness,
)

if TYPE_CHECKING:
    from corral.session import Session

#: Lines of context shown on each side of an edit in the confirmation.
SNIPPET_CONTEXT = 4


class WriteInput(msgspec.Struct, kw_only=True):
    file_path: Annotated[
        str, msgspec.Meta(description="Path of the file to write, absolute or relative.")
    ]
    content: Annotated[str, msgspec.Meta(description="The complete new content of the file.")]


class EditInput(msgspec.Struct, kw_only=True):
    file_path: Annotated[
        str, msgspec.Meta(description="Path of the file to change, absolute or relative.")
    ]
    old_string: Annotated[
        str,
        msgspec.Meta(description="Exact text to replace, including whitespace and indentation."),
    ]
    new_string: Annotated[str, msgspec.Meta(description="Text to put in its place.")]
    replace_all: Annotated[
        bool,
        msgspec.Meta(description="Replace every occurrence instead of requiring exactly one."),
    ] = False


def _read_current(session: Session, path: Path) -> tuple[bytes | None, ToolResult | None]:
    """The current bytes of ``path`` (None if absent), or an error result."""
    shown = display(session, path)
    if path.is_dir():
        return None, ToolResult(content=f"{shown} is a directory, not a file.", is_error=True)
    if path.exists() and not path.is_file():
        return None, ToolResult(
            content=f"{shown} is not a regular file (a device, socket or pipe).", is_error=True
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, ToolResult(content=f"Cannot read {shown}: {exc.strerror}.", is_error=True)
    stale = staleness(session, path, data)
    if stale is not None:
        return None, ToolResult(content=stale, is_error=True)
    return data, None


def _write(session: Session, path: Path, text: str) -> ToolResult | None:
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        where = display(session, path)
        return ToolResult(content=f"Cannot write {where}: {exc.strerror}.", is_error=True)
    record(session, path, data)
    return None


class Write(Tool):
    name = "Write"
    description = (
        "Create a file or replace its whole content. Missing parent directories are created. "
        "An existing file must have been read with Read in this session and be unchanged "
        "since; prefer Edit for changing part of an existing file."
    )
    input_type = WriteInput

    async def run(self, session: Session, params: WriteInput) -> ToolResult:
        # What goes into a file may leave the machine: outbound filters see it first
        # (a filter blocks by raising CorralError, which becomes an error result).
        target = str(resolve(session, params.file_path))
        content = await session.hooks.filter_outbound(session, params.content, "file", target)
        if content != params.content:
            params = msgspec.structs.replace(params, content=content)
        return await asyncio.to_thread(self._write, session, params)

    def _write(self, session: Session, params: WriteInput) -> ToolResult:
        path = resolve(session, params.file_path)
        current, error = _read_current(session, path)
        if error is not None:
            return error
        error = _write(session, path, params.content)
        if error is not None:
            return error
        shown = display(session, path)
        text = params.content
        n_lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        verb = "Created" if current is None else "Wrote"
        return ToolResult(
            content=f"{verb} {shown} ({n_lines} lines, {len(params.content.encode())} bytes).",
            meta={"path": str(path), "created": current is None},
        )


def _snippet(text: str, start: int, length: int) -> str:
    """Numbered lines around ``text[start:start+length]``."""
    first = text.count("\n", 0, start)
    last = text.count("\n", 0, start + max(length, 1) - 1) if length else first
    lines = text.splitlines()
    lo = max(0, first - SNIPPET_CONTEXT)
    hi = min(len(lines), last + SNIPPET_CONTEXT + 1)
    return numbered(lines[lo:hi], lo + 1)


class Edit(Tool):
    name = "Edit"
    description = (
        "Replace an exact piece of text in a file. old_string must appear exactly once "
        "(add surrounding lines to make it unique) unless replace_all is true. The file "
        "must have been read with Read in this session and be unchanged since. With an "
        "empty old_string and a file that does not exist, the file is created with "
        "new_string as its content."
    )
    input_type = EditInput

    async def run(self, session: Session, params: EditInput) -> ToolResult:
        target = str(resolve(session, params.file_path))
        new = await session.hooks.filter_outbound(session, params.new_string, "file", target)
        if new != params.new_string:
            params = msgspec.structs.replace(params, new_string=new)
        return await asyncio.to_thread(self._edit, session, params)

    def _edit(self, session: Session, params: EditInput) -> ToolResult:
        path = resolve(session, params.file_path)
        shown = display(session, path)
        if params.old_string == params.new_string:
            return ToolResult(
                content="old_string and new_string are identical; there is nothing to change.",
                is_error=True,
            )
        current, error = _read_current(session, path)
        if error is not None:
            return error
        if current is None:
            if params.old_string:
                return ToolResult(
                    content=(
                        f"File does not exist: {shown}. To create it, use Write, or Edit with "
                        "an empty old_string."
                    ),
                    is_error=True,
                )
            error = _write(session, path, params.new_string)
            return error or ToolResult(
                content=f"Created {shown}.", meta={"path": str(path), "created": True}
            )
        try:
            text = current.decode("utf-8")
        except UnicodeDecodeError:
            return ToolResult(
                content=f"{shown} is not UTF-8 text; Edit only changes UTF-8 files.",
                is_error=True,
            )
        if not params.old_string:
            return ToolResult(
                content=(
                    f"old_string is empty but {shown} already exists. Give the exact text to "
                    "replace, or use Write to replace the whole file."
                ),
                is_error=True,
            )
        old, new = params.old_string, params.new_string
        count = text.count(old)
        if count == 0 and "\r\n" in text and "\n" in old:
            # The model writes LF; a CRLF file still matches once line endings agree.
            old, new = old.replace("\n", "\r\n"), new.replace("\n", "\r\n")
            count = text.count(old)
        if count == 0:
            return ToolResult(
                content=(
                    f"old_string was not found in {shown}. It must match the file exactly, "
                    "including whitespace and indentation; Read the file to check."
                ),
                is_error=True,
            )
        if count > 1 and not params.replace_all:
            return ToolResult(
                content=(
                    f"old_string occurs {count} times in {shown}. Include more surrounding "
                    "text to make it unique, or set replace_all to replace every occurrence."
                ),
                is_error=True,
            )
        start = text.find(old)
        updated = text.replace(old, new) if params.replace_all else text.replace(old, new, 1)
        error = _write(session, path, updated)
        if error is not None:
            return error
        what = f"Replaced {count} occurrences in {shown}" if count > 1 else f"Edited {shown}"
        snippet = _snippet(updated, start, len(new))
        return ToolResult(
            content=f"{what}. The changed region now reads:\n{snippet}",
            meta={"path": str(path), "replacements": count},
        )
