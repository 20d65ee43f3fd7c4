"""Entry point of corral-coordinator: the hooks the kernel calls.

This module is imported only when the ``coordinator`` feature is enabled; keep its imports light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import hookimpl

from corral_coordinator.settings import Settings

if TYPE_CHECKING:
    from corral.api import CliCommand, PromptSection, Session, SlashCommand, Tool

NAME = "coordinator"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_tools(register: Callable[[Tool], None]) -> None:
    from corral_coordinator.agent_tool import AgentTool
    from corral_coordinator.coordinator_tools import COORDINATOR_TOOLS

    register(AgentTool())
    for tool in COORDINATOR_TOOLS:
        register(tool())


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    register(CliCommand.lazy(name="agents", help="list the sub-agents and where each comes from",
                             module="corral_coordinator.listing", run="run_cli"))


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.api import SlashCommand

    from corral_coordinator import listing

    register(SlashCommand(name="agents", description="list the sub-agents you can start",
                          run=listing.run_slash))


@hookimpl
async def corral_session_start(session: Session) -> None:
    from corral_coordinator._state import settings_of, state_of

    if state_of(session).depth > 0:
        return
    from corral_coordinator import mode

    settings = settings_of(session)
    if settings.mode:
        mode.enter(session, settings)
    else:
        mode.hide_coordinator_tools(session)
    if settings.max_depth < 1:
        session.set_tools({n: t for n, t in session.tools.items() if n != "Agent"})
    if "Agent" in session.tools or settings.mode:
        await mode.report_agent_files(session)


@hookimpl
async def corral_session_end(session: Session) -> None:
    from corral_coordinator._state import STATE, close_client, state_of

    if STATE not in session.stash:
        return
    pool = state_of(session).pool
    if pool is not None:
        await pool.close()
    await close_client(session)


@hookimpl
def corral_system_prompt(session: Session) -> PromptSection | None:
    from corral_coordinator._state import state_of

    if state_of(session).pool is not None:
        from corral_coordinator.coordinator_prompt import coordinator_section

        return coordinator_section(session)
    if "Agent" not in session.tools:
        return None
    from corral_coordinator.prompt import agents_section

    return agents_section(session)


@hookimpl
async def corral_before_request(session: Session, request: dict[str, Any]) -> None:
    from corral_coordinator._state import STATE

    if STATE not in session.stash:
        return
    from corral_coordinator import mode

    await mode.deliver(session, request)


@hookimpl
async def corral_idle(session: Session) -> str | None:
    """Waiting worker notifications become the next user turn. A headless session (nobody
    types) waits for its busy workers first; the REPL's poll never blocks."""
    from corral_coordinator._state import STATE, state_of

    if STATE not in session.stash:
        return None
    pool = state_of(session).pool
    if pool is None:
        return None
    notes = pool.take()
    if not notes and session.headless:
        notes = await pool.wait(0)
    if not notes:
        return None
    from corral_coordinator.notify import notifications_text

    return notifications_text(notes)


@hookimpl
def corral_status(session: Session) -> Any:
    from corral_coordinator._state import state_of

    state = state_of(session)
    if state.pool is not None:
        from corral_coordinator.status import workers_table

        return workers_table(state.pool)
    running = state.running
    if not running:
        return None
    return f"agents running: {len(running)} ({', '.join(sorted(running.values()))})"
