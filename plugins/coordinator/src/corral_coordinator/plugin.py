"""Entry point of corral-coordinator: the hooks the kernel calls.

This module is imported only when the ``coordinator`` feature is enabled; keep its imports light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from corral import hookimpl

from corral_coordinator.settings import Settings

if TYPE_CHECKING:
    from corral.commands import CliCommand, SlashCommand
    from corral.prompt import PromptSection
    from corral.session import Session
    from corral.tools.base import Tool

NAME = "coordinator"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_tools(register: Callable[[Tool], None]) -> None:
    from corral_coordinator.agent_tool import AgentTool

    register(AgentTool())


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.commands import CliCommand

    from corral_coordinator import listing

    register(CliCommand(name="agents", help="list the sub-agents and where each comes from",
                        run=listing.run_cli, configure=listing.configure))


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.commands import SlashCommand

    from corral_coordinator import listing

    register(SlashCommand(name="agents", description="list the sub-agents you can start",
                          run=listing.run_slash))


@hookimpl
async def corral_session_start(session: Session) -> None:
    from corral.events import Notice

    from corral_coordinator._state import catalogue_of, settings_of, state_of

    if state_of(session).depth > 0 or "Agent" not in session.tools:
        return
    if settings_of(session).max_depth < 1:
        session.set_tools({n: t for n, t in session.tools.items() if n != "Agent"})
        return
    catalogue = catalogue_of(session)
    for problem in catalogue.problems:
        await session.emit(Notice(level="warning", text=f"agent file skipped: {problem}",
                                  data={"kind": "agent_file_error", "path": problem.path,
                                        "line": problem.line}))


@hookimpl
async def corral_session_end(session: Session) -> None:
    from corral_coordinator._state import KEY, close_client

    if KEY in session.plugin_state:
        await close_client(session)


@hookimpl
def corral_system_prompt(session: Session) -> PromptSection | None:
    from corral_coordinator.prompt import agents_section

    if "Agent" not in session.tools:
        return None
    return agents_section(session)


@hookimpl
def corral_status(session: Session) -> Any:
    from corral_coordinator._state import state_of

    running = state_of(session).running
    if not running:
        return None
    return f"agents running: {len(running)} ({', '.join(sorted(running.values()))})"
