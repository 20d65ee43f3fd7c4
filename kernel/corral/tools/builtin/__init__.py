"""corral's built-in tools, named and shaped like Claude Code's so models and permission
rules written for it work unchanged.

Session state they keep in ``session.stash``: ``FILES`` (read tracking, see
:mod:`._read_tracking`), ``JOBS`` (background jobs, see :mod:`.bash_jobs`) and ``TODOS``
(the task list, see :mod:`.todo`).
"""

from __future__ import annotations

from corral.tools.base import Tool
from corral.tools.builtin.bash import Bash
from corral.tools.builtin.bash_jobs import (
    BashOutput,
    JobNotice,
    KillShell,
    finished_jobs,
    kill_all_jobs,
)
from corral.tools.builtin.glob import Glob
from corral.tools.builtin.grep import Grep
from corral.tools.builtin.read import Read
from corral.tools.builtin.todo import TodoList, TodoWrite, todos_of
from corral.tools.builtin.webfetch import WebFetch
from corral.tools.builtin.websearch import WebSearch
from corral.tools.builtin.write_edit import Edit, Write

#: Every built-in tool class, in the order their schemas are sent to the model.
BUILTIN_TOOLS: tuple[type[Tool], ...] = (
    Bash,
    BashOutput,
    KillShell,
    Glob,
    Grep,
    Read,
    Edit,
    Write,
    TodoWrite,
    WebFetch,
    WebSearch,
)

__all__ = [
    "BUILTIN_TOOLS",
    "Bash",
    "BashOutput",
    "Edit",
    "Glob",
    "Grep",
    "JobNotice",
    "KillShell",
    "Read",
    "TodoList",
    "TodoWrite",
    "WebFetch",
    "WebSearch",
    "Write",
    "finished_jobs",
    "kill_all_jobs",
    "todos_of",
]
