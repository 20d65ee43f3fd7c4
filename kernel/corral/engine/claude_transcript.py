"""A mirror of the transcript in Claude Code's JSONL shape, for hook scripts to read.

Hooks get its path as ``transcript_path``. corral's own transcript (the event log that
resume replays) stays as it is; beside it, in ``claude-code/<session>.jsonl``, each message
that enters the conversation is one line as Claude Code writes it: ``type`` (``user`` or
``assistant``), ``message`` (the Messages API object), ``uuid``, ``parentUuid`` (the line
before), ``sessionId``, ``cwd``, ``timestamp``, ``isSidechain``, ``userType`` and
``version``. Tool results are ``user`` lines whose content is ``tool_result`` blocks, as in
Claude Code. Lines are appended whole (one ``os.write`` with ``O_APPEND``).
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

import msgspec

from corral._version import __version__
from corral.events import (
    AssistantMessage,
    Event,
    SessionStarted,
    ToolResultMessage,
    UserMessage,
)

_encoder = msgspec.json.Encoder()
#: How far from the end of an existing mirror the last ``uuid`` is looked for on resume.
_TAIL_BYTES = 65536


def mirror_path(transcript: Path) -> Path:
    """Where the mirror of the transcript at ``transcript`` lives."""
    return transcript.parent / "claude-code" / transcript.name


class ClaudeTranscript:
    """Appends the conversation's messages to :func:`mirror_path` of a transcript."""

    def __init__(self, transcript: Path) -> None:
        self.path = mirror_path(transcript)
        self.session_id = transcript.stem
        self.cwd = os.getcwd()
        self.sidechain = transcript.parent.parent.name == "subagents"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.parent = _last_uuid(self.path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, event: Event) -> None:
        if isinstance(event, SessionStarted):
            self.session_id, self.cwd = event.session_id, event.cwd
            return
        if isinstance(event, UserMessage):
            self._line("user", {"role": "user", "content": event.text}, event.ts)
        elif isinstance(event, AssistantMessage):
            message = {"id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message",
                       "role": "assistant", "model": event.model, "content": event.content,
                       "stop_reason": event.stop_reason, "stop_sequence": None}
            self._line("assistant", message, event.ts)
        elif isinstance(event, ToolResultMessage):
            self._line("user", {"role": "user", "content": event.content}, event.ts)

    def _line(self, kind: str, message: dict[str, Any], ts: float) -> None:
        if self._fd < 0:
            return
        this = str(uuid.uuid4())
        entry: dict[str, Any] = {
            "parentUuid": self.parent, "isSidechain": self.sidechain, "userType": "external",
            "cwd": self.cwd, "sessionId": self.session_id, "version": __version__,
            "type": kind, "message": message, "uuid": this,
            "timestamp": _iso(ts or time.time()),
        }
        os.write(self._fd, _encoder.encode(entry) + b"\n")
        self.parent = this

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1


def _iso(ts: float) -> str:
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts))
    return f"{whole}.{int(ts % 1 * 1000):03d}Z"


def _last_uuid(path: Path) -> str | None:
    """The ``uuid`` of the last whole line of an existing mirror (a resumed session)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - _TAIL_BYTES))
            tail = fh.read()
    except OSError:
        return None
    for line in reversed(tail.splitlines()):
        try:
            found = msgspec.json.decode(line)
        except msgspec.DecodeError:
            continue
        if isinstance(found, dict) and isinstance(found.get("uuid"), str):
            return str(found["uuid"])
    return None
