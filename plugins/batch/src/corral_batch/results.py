"""The results file: one :class:`TaskResult` a line, appended as each task finishes.

Each line goes out in one ``write`` on an ``O_APPEND`` descriptor and is fsync'd before the
next task is counted as done, so killing the driver (even with SIGKILL) loses no finished
task. The one thing a kill can leave is a last line cut short; :func:`open_results` finds it,
moves its bytes to ``RESULTS.jsonl.torn`` and cuts the file back to its last whole line, so the
task it belonged to runs again on ``--resume``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import msgspec

Status = Literal["success", "error", "failed"]


class TaskResult(msgspec.Struct, kw_only=True):
    """One line of the results file (see docs/batch.md for the schema)."""

    id: str
    status: Status
    """``success``: the agent finished; ``error``: corral ran but reported an error (turn or
    budget limit, API error); ``failed``: the task could not run (clone, setup, crash, timeout)."""
    result: dict[str, Any] | None
    """The object ``corral -p --output-format json`` prints, unchanged; ``None`` if none came."""
    error: str | None = None
    """Why the task failed or erred, in a sentence (with the tail of corral's stderr)."""
    patch: str = ""
    """``git diff --binary`` of everything the agent changed, new files included."""
    duration_s: float
    """Wall time of the whole task: clone, setup, agent, patch."""
    cost_usd: float | None
    """The agent's cost (``total_cost_usd``); ``None`` when it is not known."""
    transcript: str | None
    """The session's transcript file, on the machine that ran the task."""
    workdir: str
    """The checkout the agent worked in."""
    exit_code: int | None
    """Exit status of ``corral -p``; ``None`` when it did not run."""
    backend: str
    host: str
    started_at: float
    """Unix time the task started."""


_decoder = msgspec.json.Decoder(TaskResult)
_encoder = msgspec.json.Encoder()


class Recorded(msgspec.Struct):
    """What an existing results file already holds."""

    done: dict[str, TaskResult]
    torn: bytes
    """The bytes of a cut-short last line that were moved aside (empty when none was)."""
    skipped_lines: list[int]
    """Whole lines that are not results (left in place, reported)."""


def open_results(path: Path) -> tuple[int, Recorded]:
    """Open ``path`` for appending (creating it) and read what it already records.

    Returns the descriptor and the record. A torn last line is removed from the file and kept
    in ``<path>.torn``; the caller owns (and closes) the descriptor.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        data = _read_all(fd)
        cut = data.rfind(b"\n") + 1
        torn = data[cut:]
        if torn:
            with open(f"{path}.torn", "ab") as aside:
                aside.write(torn + b"\n")
            os.ftruncate(fd, cut)
            os.fsync(fd)
        done: dict[str, TaskResult] = {}
        skipped: list[int] = []
        for number, line in enumerate(data[:cut].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                result = _decoder.decode(line)
            except msgspec.DecodeError:
                skipped.append(number)
                continue
            done[result.id] = result
    except BaseException:
        os.close(fd)
        raise
    return fd, Recorded(done=done, torn=torn, skipped_lines=skipped)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def append_result(fd: int, result: TaskResult) -> None:
    """Write ``result`` as one line and fsync it before returning."""
    line = _encoder.encode(result) + b"\n"
    view = memoryview(line)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def read_results(path: Path) -> list[TaskResult]:
    """Every whole result line of ``path`` (a torn last line is ignored), in file order."""
    results: list[TaskResult] = []
    data = path.read_bytes()
    for line in data[: data.rfind(b"\n") + 1].splitlines():
        if line.strip():
            try:
                results.append(_decoder.decode(line))
            except msgspec.DecodeError:
                continue
    return results
