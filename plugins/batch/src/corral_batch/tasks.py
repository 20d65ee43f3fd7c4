"""The task file: one JSON object a line, each a :class:`Task`.

Every line is checked before anything runs, and every bad line is reported with its number,
so a typo on line 412 does not surface an hour into a batch.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import msgspec

from corral_batch.errors import TaskFileError

PermissionMode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]

#: A task id names its folder under the run directory, so it is kept to safe characters.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: ``scheme://...`` or ``user@host:path``: a repository to clone over the network.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^[^/@:]+@[^/:]+:")


class Task(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One line of the task file."""

    id: str
    """Unique in the file; letters, digits, ``.``, ``_`` and ``-`` (it names a folder)."""
    prompt: str
    """What the agent is asked to do."""
    repo: str
    """A git URL, or a local path to a git repository (relative to the task file)."""
    ref: str | None = None
    """Branch, tag or commit to check out; the repository's default HEAD when omitted."""
    setup: list[str] = msgspec.field(default_factory=list)
    """Shell commands run in the fresh checkout before the agent starts (outside the sandbox);
    what they change is not part of the patch."""
    model: str | None = None
    permission_mode: PermissionMode | None = None
    allowed_tools: list[str] = msgspec.field(default_factory=list)
    """Permission rules to allow, as for ``--allowedTools`` (``"Edit"``, ``"Bash(make *)"``)."""
    max_turns: int | None = None
    max_budget_usd: float | None = None
    """This task's own spending cap, passed to ``corral -p --max-budget-usd``."""
    timeout_s: float | None = None
    """Wall-clock limit for the agent run; the task fails when it is reached."""


def is_url(repo: str) -> bool:
    """Whether ``repo`` names a remote repository rather than a local path."""
    return bool(_URL.match(repo))


_decoder = msgspec.json.Decoder(Task)


def load_tasks(path: Path) -> list[Task]:
    """Read and check every line of ``path``; local repository paths come back absolute.

    Raises :class:`TaskFileError` listing every bad line (``tasks.jsonl:7: ...``) when any is.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TaskFileError(f"cannot read the task file {path}: {exc.strerror or exc}") from exc
    base = path.resolve().parent
    tasks: list[Task] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            task = _decoder.decode(line)
        except msgspec.ValidationError as exc:
            problems.append(f"{where}: {exc}")
            continue
        except msgspec.DecodeError as exc:
            problems.append(f"{where}: not a JSON object ({exc})")
            continue
        problem = _check(task, base)
        if problem is not None:
            problems.append(f"{where}: {problem}")
            continue
        if task.id in first_line:
            problems.append(f"{where}: id {task.id!r} is already used on line "
                            f"{first_line[task.id]}")
            continue
        first_line[task.id] = number
        if not is_url(task.repo):
            task = msgspec.structs.replace(task, repo=str((base / task.repo).resolve()))
        tasks.append(task)
    if problems:
        count = f"{len(problems)} bad line{'s' if len(problems) != 1 else ''}"
        raise TaskFileError(f"{path}: {count}, nothing was run:\n  " + "\n  ".join(problems))
    if not tasks:
        raise TaskFileError(f"{path}: no tasks in the file")
    return tasks


def _check(task: Task, base: Path) -> str | None:
    """What is wrong with one decoded task, or ``None``."""
    if not _ID.fullmatch(task.id):
        return (f"id {task.id!r} must be 1-128 letters, digits, '.', '_' or '-', starting "
                "with a letter or digit")
    if not task.prompt.strip():
        return "prompt is empty"
    if not task.repo.strip():
        return "repo is empty"
    if not is_url(task.repo) and not (base / task.repo).is_dir():
        return f"repo {task.repo!r} is neither a git URL nor a directory (relative to {base})"
    if task.max_turns is not None and task.max_turns < 1:
        return "max_turns must be at least 1"
    for name in ("max_budget_usd", "timeout_s"):
        value = getattr(task, name)
        if value is not None and value <= 0:
            return f"{name} must be above 0"
    return None
