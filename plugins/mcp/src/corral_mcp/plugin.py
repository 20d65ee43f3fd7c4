"""Entry point of corral-mcp: the hooks the kernel calls.

Imported only when the ``mcp`` feature is on. It imports neither the MCP SDK nor the
manager's transports: those load when a session starts with at least one server configured.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import StashKey, hookimpl

from corral_mcp.serve import SERVING
from corral_mcp.settings import Settings

if TYPE_CHECKING:
    from corral.api import CliCommand, McpServerStatus, Session, SlashCommand, Tool

NAME = "mcp"
#: The manager's tool generation this session's tools were built from.
_GENERATION: StashKey[int] = StashKey("mcp.generation")
#: Set once the session's first request waited for the servers to start.
_WAITED: StashKey[bool] = StashKey("mcp.waited")
#: Servers still starting at the first request, until their tools join.
_LATE: StashKey[list[str]] = StashKey("mcp.late")


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


def _tell(session: Session, text: str, level: str = "warning") -> Any:
    """A notice for the user: an event (REPL, corral-events) and, headless, a stderr line."""
    from corral.api import Notice

    if session.headless:
        sys.stderr.write(f"corral: mcp: {text}\n")
    return session.emit(Notice(level=level, text=f"mcp: {text}", data={"plugin": NAME}))


@hookimpl
async def corral_session_start(session: Session) -> None:
    if session.parent_id is not None or session.stash.get(SERVING):
        return
    from corral_mcp import runtime

    servers = runtime.configured(session.app)
    for problem in servers.problems:
        await _tell(session, str(problem))
    if not servers.servers:
        return
    manager = runtime.make_manager(session.app, servers)
    runtime.set_manager(session.app, manager)
    for state in manager.servers.values():
        if state.status == "needs-approval":
            if session.headless:
                await _tell(session, f"project server {state.name!r} (.mcp.json) was not started: "
                            "it is not approved; approve it in an interactive session (/mcp "
                            "approve NAME), or list it in enabledMcpjsonServers")
            else:
                await _tell(session, f"project server {state.name!r} in .mcp.json needs your "
                            f"approval: /mcp approve {state.name} (or /mcp deny {state.name})")
    manager.start()
    await _wait_for_prompt_server(session, manager)


async def _wait_for_prompt_server(session: Session, manager: Any) -> None:
    """``corral -p "/mcp__server__prompt …"``: the prompt comes from that server, so wait
    for it to start (up to its start-up timeout) before the command is looked up."""
    prompt = getattr(getattr(session.app, "options", None), "prompt", None)
    if not session.headless or not isinstance(prompt, str) or \
            not prompt.lstrip().startswith("/mcp__"):
        return
    from corral_mcp.prompts import server_named_by

    state = server_named_by(manager, prompt)
    if state is not None and state.task is not None and state.status == "pending":
        await manager.wait_for(state, manager.startup_timeout_s + 1)


@hookimpl
async def corral_session_end(session: Session) -> None:
    if session.parent_id is not None:
        return
    from corral_mcp import runtime

    manager = runtime.manager_of(session.app)
    if manager is not None:
        runtime.set_manager(session.app, None)
        await manager.close()


@hookimpl
def corral_mcp_status(session: Session) -> list[McpServerStatus] | None:
    """How the run's servers stand, for the stream-json ``init`` line; servers not started
    (waiting for approval, disabled) are left out."""
    from corral_mcp import runtime

    manager = runtime.manager_of(session.app)
    if manager is None:
        return None
    from corral.api import McpServerStatus

    return [McpServerStatus(name=state.name,
                            status="needs-auth" if state.needs_sign_in else state.status)
            for state in manager.servers.values()
            if state.status in ("pending", "connected", "failed")]


@hookimpl
async def corral_prepare_request(session: Session) -> None:
    from corral_mcp import runtime

    manager = runtime.manager_of(session.app)
    if manager is None:
        return
    if not session.stash.get(_WAITED):
        session.stash[_WAITED] = True
        budget = runtime.settings_of(session.config).first_request_wait_s
        late = await manager.wait_since_start(budget)
        for state in manager.servers.values():
            if state.status == "failed":
                await _tell(session, f"server {state.name!r} failed: {state.error}")
        if late:
            names = ", ".join(repr(s.name) for s in late)
            session.stash[_LATE] = [s.name for s in late]
            await _tell(session, f"server(s) {names} still starting; their tools join from the "
                        "next request (to wait for them, raise [plugins.mcp] "
                        f"first_request_wait_s, now {budget:g} s)", level="info")
    if session.stash.get(_GENERATION) != manager.generation:
        session.stash[_GENERATION] = manager.generation
        session.refresh_tools()
        await _announce_joined(session, manager)
    if any(s.has_resources for s in manager.connected()):
        from corral_mcp.mentions import attach_mentions

        await attach_mentions(session, manager,
                              runtime.settings_of(session.config).max_output_tokens)


async def _announce_joined(session: Session, manager: Any) -> None:
    """Say which servers that were still starting at the first request have joined since."""
    late: list[str] = session.stash.get(_LATE) or []
    joined = [name for name in late if manager.servers[name].status != "pending"]
    if not joined:
        return
    session.stash[_LATE] = [name for name in late if name not in joined]
    for name in joined:
        state = manager.servers[name]
        if state.status == "connected":
            await _tell(session, f"server {name!r} connected: {len(state.tools)} tools "
                        f"(after {state.connect_ms / 1000:.1f} s)", level="info")


@hookimpl
def corral_register_tools(register: Callable[[Tool], None], session: Session | None) -> None:
    if session is None:
        return
    from corral_mcp import runtime

    manager = runtime.manager_of(session.app)
    if manager is None:
        return
    from corral_mcp.tools import ListMcpResourcesTool, McpTool, ReadMcpResourceTool

    limit = runtime.settings_of(session.config).max_output_tokens
    session.stash[_GENERATION] = manager.generation
    seen: set[str] = set()
    for state in manager.connected():
        for tool in state.tools:
            wrapped = McpTool(state, tool, manager, limit)
            if wrapped.name not in seen:
                seen.add(wrapped.name)
                register(wrapped)
    if any(s.has_resources for s in manager.connected()):
        register(ListMcpResourcesTool(manager))
        register(ReadMcpResourceTool(manager, limit))


@hookimpl
def corral_add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mcp-config", dest="mcp_config", nargs="+", action="extend", default=[],
        metavar="FILE_OR_JSON", help="load MCP servers from these .mcp.json-shaped files or "
        "JSON texts")
    parser.add_argument(
        "--strict-mcp-config", dest="mcp_strict_config", action="store_true",
        help="use only the MCP servers of --mcp-config, no other configuration")


@hookimpl
async def corral_doctor(app: Any) -> list[Any] | None:
    """Start every approved server once and say which fail (config problems count too)."""
    from corral.api import DoctorCheck

    from corral_mcp import runtime, status

    servers = runtime.configured(app)
    if not servers.servers and not servers.problems:
        return None
    checks = [DoctorCheck(ok=False, text=f"config: {p}") for p in servers.problems]
    manager = runtime.make_manager(app, servers)
    manager.start()
    try:
        await manager.wait_started(manager.startup_timeout_s + 1)
        for r in status.rows(manager):
            text = f"server {r.name} ({r.scope}, {r.transport}): {r.status}"
            if r.status == "connected":
                text += f", {r.tools} tools"
            elif r.error:
                text += f": {r.error}"
            checks.append(DoctorCheck(ok=r.status != "failed", text=text))
    finally:
        await manager.close()
    return checks


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    # corral_mcp.cli is imported only when `corral mcp` runs
    register(CliCommand.lazy(name="mcp", module="corral_mcp.cli", configure="_configure",
                             help="MCP servers: list, get, add, add-json, remove, login, "
                             "logout, serve"))


@hookimpl
def corral_register_commands(
    register: Callable[[SlashCommand], None], session: Session | None
) -> None:
    from corral_mcp.slash import command

    register(command())
    if session is None:
        return
    from corral_mcp import runtime

    manager = runtime.manager_of(session.app)
    if manager is None:
        return
    from corral_mcp.prompts import prompt_commands

    for each in prompt_commands(manager):
        register(each)
