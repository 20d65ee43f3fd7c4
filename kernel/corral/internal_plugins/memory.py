"""The memory layer as a built-in plugin: instruction files and the memory store in the
system prompt, the ``Memory`` tool and its permission vote, lazy loading of instruction files
in subdirectories, ``/memory`` and ``corral memory``.

This module is imported on every run, so it imports nothing heavy at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corral import hookimpl

if TYPE_CHECKING:
    from corral.commands import CliCommand, SlashCommand
    from corral.permissions.decision import Vote
    from corral.prompt import PromptSection
    from corral.session import Session
    from corral.tools.base import Tool, ToolCall, ToolResult

#: Input keys through which a tool names the path it touches.
_PATH_KEYS = ("file_path", "path", "notebook_path")


def _enabled(session: Session) -> bool:
    return bool(session.config.memory.enabled)


async def _notify(session: Session, messages: list[str], level: str = "warning") -> None:
    from corral.events import Notice

    for text in messages:
        await session.emit(Notice(level=level, text=text, data={"plugin": "memory"}))


@hookimpl
async def corral_session_start(session: Session) -> None:
    if not _enabled(session):
        return
    from corral.memory.session_memory import session_memory

    memory = session_memory(session)
    await _notify(session, memory.new_warnings())


@hookimpl
def corral_system_prompt(session: Session) -> list[PromptSection] | None:
    if not _enabled(session):
        return None
    from corral.memory.session_memory import session_memory
    from corral.prompt import PromptSection

    memory = session_memory(session)
    sections = []
    if memory.instructions_text:
        sections.append(PromptSection(name="memory-instructions", text=memory.instructions_text,
                                      scope="session"))
    store_text = memory.build_store_text(_work_query(session))
    if store_text:
        sections.append(PromptSection(name="memory-store", text=store_text, scope="session"))
    if memory.nested_text:
        sections.append(PromptSection(name="memory-nested", text=memory.nested_text,
                                      scope="turn"))
    return sections


def _work_query(session: Session) -> str:
    """What the session is about, for picking relevant entries: the first user message and
    the directory's name."""
    first = ""
    for message in session.messages:
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, str):
                first = content
            else:
                first = " ".join(str(b.get("text", "")) for b in content or []
                                 if isinstance(b, dict) and b.get("type") == "text")
            break
    return f"{session.cwd.name} {first}"


@hookimpl
def corral_register_tools(register: Callable[[Tool], None]) -> None:
    from corral.memory.tool import MemoryTool

    register(MemoryTool())


@hookimpl
def corral_check_permission(session: Session, call: ToolCall) -> Vote | None:
    from corral.memory.tool import TOOL_NAME, WRITES, write_problem

    if call.name != TOOL_NAME:
        return None
    from corral.permissions.decision import Vote

    problem = write_problem(session, call.input)
    if problem is not None:
        return Vote(decision="deny", reason=f"Memory may write only inside the memory folders: "
                    f"{problem}")
    if call.input.get("command") in WRITES:
        return Vote(decision="allow", reason="Memory writes stay inside the memory folder")
    return Vote(decision="allow", reason="Memory search reads only the memory folders")


@hookimpl
async def corral_after_tool(session: Session, call: ToolCall, result: ToolResult) -> None:
    if not _enabled(session) or result.is_error:
        return
    from corral.memory.session_memory import session_memory

    memory = session_memory(session)
    loaded = []
    for key in _PATH_KEYS:
        value = call.input.get(key)
        if isinstance(value, str) and value and "\x00" not in value:
            path = Path(value).expanduser()
            if not path.is_absolute():
                path = session.cwd / path
            loaded += memory.touch(Path(_normalize(path)))
    if loaded:
        names = ", ".join(f.path for f in loaded)
        await _notify(session, [f"memory: loaded {names}"], level="info")
    await _notify(session, memory.new_warnings())


def _normalize(path: Path) -> str:
    import os

    return os.path.normpath(path)


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.commands import SlashCommand

    register(SlashCommand(name="memory", description="show the instruction files and memory "
                          "entries in use, with their sources and sizes", run=_slash_memory))


def _slash_memory(session: Session, _args: str) -> Any:
    from corral.memory.render import MemoryReport
    from corral.memory.session_memory import session_memory

    return MemoryReport(session_memory(session))


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.commands import CliCommand

    register(CliCommand.lazy(name="memory", module="corral.memory.cli",
                             help="show the instruction files; list, search, add, remove or "
                             "edit memory entries"))
