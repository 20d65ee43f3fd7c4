"""The transcript: one JSONL event log per session, appended one whole line per event.

Each event is encoded to one line and written with a single ``os.write`` on a file opened
with ``O_APPEND``, so a kill -9 can tear at most the last line; reading skips a torn last
line with a warning and loses nothing before it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Union

import msgspec

from corral import paths
from corral.engine.claude_transcript import ClaudeTranscript
from corral.events import Event, TextDelta, ThinkingDelta, all_event_types

#: Deltas are not stored: the assistant message that follows holds the whole text.
_SKIPPED = (TextDelta, ThinkingDelta)
_encoder = msgspec.json.Encoder()


def _decoder() -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(Union[all_event_types()])  # noqa: UP007


def project_dir(cwd: Path) -> Path:
    """Where the transcripts of sessions run in ``cwd`` live (one folder per path).

    Sessions kept under the old, lossy folder name are moved here the first time it is asked
    for: the whole folder when every session in it ran in ``cwd``, else only those that did.
    """
    projects = paths.user_data_dir() / "projects"
    folder = projects / paths.project_key(cwd)
    legacy = projects / paths.legacy_project_slug(cwd)
    if legacy.is_dir():
        _adopt_legacy(legacy, folder, str(cwd.resolve()))
    return folder


def _adopt_legacy(legacy: Path, folder: Path, cwd: str) -> None:
    transcripts = list(legacy.glob("*.jsonl"))
    owners = {path: _recorded_cwd(path) for path in transcripts}
    try:
        if not folder.exists() and all(owner in (cwd, None) for owner in owners.values()):
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.rename(legacy, folder)
            return
        mine = [path for path, owner in owners.items() if owner == cwd]
        if not mine:
            return
        folder.mkdir(parents=True, exist_ok=True)
        for path in mine:
            os.replace(path, folder / path.name)
            children = legacy / "subagents" / path.stem
            if children.is_dir():
                (folder / "subagents").mkdir(exist_ok=True)
                os.rename(children, folder / "subagents" / path.stem)
        _remove_empty(legacy)
    except OSError:
        return  # another process moved them first, or the disk refused: read what is there


def _recorded_cwd(path: Path) -> str | None:
    """The ``cwd`` of the transcript's ``session_started`` event (its first line)."""
    try:
        with path.open("rb") as fh:
            first = fh.readline()
        event = msgspec.json.decode(first)
    except (OSError, msgspec.DecodeError):
        return None
    if isinstance(event, dict) and event.get("type") == "session_started":
        found = event.get("cwd")
        return str(found) if isinstance(found, str) else None
    return None


def _remove_empty(folder: Path) -> None:
    for sub in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if sub.is_dir():
            with contextlib.suppress(OSError):
                sub.rmdir()
    with contextlib.suppress(OSError):
        folder.rmdir()


class Transcript:
    """The session's event log, and its mirror in Claude Code's shape
    (:mod:`corral.engine.claude_transcript`) that hooks read at ``transcript_path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.mirror = ClaudeTranscript(path)

    @property
    def hook_path(self) -> Path:
        """The file hooks get as ``transcript_path``."""
        return self.mirror.path

    def write(self, event: Event) -> None:
        if isinstance(event, _SKIPPED) or self._fd < 0:
            return
        os.write(self._fd, _encoder.encode(event) + b"\n")
        self.mirror.write(event)

    def close(self) -> None:
        self.mirror.close()
        if self._fd >= 0:
            try:
                os.fsync(self._fd)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = -1


class TornLine(msgspec.Struct):
    line_number: int
    problem: str


def read_events(path: Path) -> tuple[list[Event], list[TornLine]]:
    """Every event of a transcript, and the lines that could not be read."""
    events: list[Event] = []
    bad: list[TornLine] = []
    decoder = _decoder()
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                events.append(decoder.decode(line))
            except msgspec.DecodeError as exc:
                bad.append(TornLine(number, str(exc)))
    return events, bad


def iter_transcripts(cwd: Path) -> Iterator[Path]:
    """Transcripts of this project, newest first."""
    folder = project_dir(cwd)
    if not folder.is_dir():
        return iter(())
    files = sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
    return iter(files)
