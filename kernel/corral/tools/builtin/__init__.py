"""corral's built-in tools, named and shaped like Claude Code's so models and permission
rules written for it work unchanged.

Session state they keep in ``session.stash``: ``FILES`` (read tracking, see
:mod:`._read_tracking`), ``JOBS`` (background jobs, see :mod:`.bash_jobs`) and ``TODOS``
(the task list, see :mod:`.todo`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral._lazy import lazy_getattr

#: Each public name and the module it comes from (loaded on first use).
_HOMES: dict[str, str] = {
    "BUILTIN_TOOLS": "corral.tools.builtin.toolset",
    "Bash": "corral.tools.builtin.bash",
    "BashOutput": "corral.tools.builtin.bash_jobs",
    "JobNotice": "corral.tools.builtin.bash_jobs",
    "KillShell": "corral.tools.builtin.bash_jobs",
    "finished_jobs": "corral.tools.builtin.bash_jobs",
    "kill_all_jobs": "corral.tools.builtin.bash_jobs",
    "Glob": "corral.tools.builtin.glob",
    "Grep": "corral.tools.builtin.grep",
    "Read": "corral.tools.builtin.read",
    "TodoList": "corral.tools.builtin.todo",
    "TodoWrite": "corral.tools.builtin.todo",
    "todos_of": "corral.tools.builtin.todo",
    "WebFetch": "corral.tools.builtin.webfetch",
    "WebSearch": "corral.tools.builtin.websearch",
    "Edit": "corral.tools.builtin.write_edit",
    "Write": "corral.tools.builtin.write_edit",
}

if TYPE_CHECKING:
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
    from corral.tools.builtin.toolset import BUILTIN_TOOLS
    from corral.tools.builtin.webfetch import WebFetch
    from corral.tools.builtin.websearch import WebSearch
    from corral.tools.builtin.write_edit import Edit, Write
else:
    __getattr__ = lazy_getattr(__name__, _HOMES)

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
