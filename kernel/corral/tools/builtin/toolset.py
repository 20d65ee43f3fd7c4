"""The set of built-in tools, in the order their schemas are sent to the model."""

from __future__ import annotations

from corral.tools.base import Tool
from corral.tools.builtin.bash import Bash
from corral.tools.builtin.bash_jobs import BashOutput, KillShell
from corral.tools.builtin.glob import Glob
from corral.tools.builtin.grep import Grep
from corral.tools.builtin.read import Read
from corral.tools.builtin.todo import TodoWrite
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
