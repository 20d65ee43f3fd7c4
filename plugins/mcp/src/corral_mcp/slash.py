"""``/mcp`` in the REPL: status, approve or deny a project server, reconnect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.api import SlashCommand

from corral_mcp import runtime, status
from corral_mcp.approval import record_answer

if TYPE_CHECKING:
    from corral.api import Session

    from corral_mcp.manager import Manager

USAGE = "/mcp [approve NAME | deny NAME | reconnect NAME | login NAME]"


async def run(session: Session, text: str) -> str:
    manager = runtime.manager_of(session.app)
    if manager is None:
        return "no MCP servers configured (.mcp.json, ~/.claude.json, [plugins.mcp.servers])"
    action, _, name = text.strip().partition(" ")
    name = name.strip()
    if not action:
        return "\n".join(status.lines(manager))
    if action not in ("approve", "deny", "reconnect", "login") or not name:
        return f"usage: {USAGE}"
    state = manager.servers.get(name)
    if state is None:
        return f"no MCP server named {name!r} (configured: {', '.join(sorted(manager.servers))})"
    if action == "login":
        return await _login(session, manager, name)
    if action == "deny":
        if state.config.scope != "project":
            return f"{name!r} is a {state.config.scope}-scope server; only project servers need approval"
        path = record_answer(session.cwd, name, approve=False)
        await manager.stop_server(name, "disabled")
        session.refresh_tools()
        return f"refused {name!r} (kept in {path})"
    if action == "approve":
        if state.config.scope == "project" and state.status in ("needs-approval", "disabled"):
            path = record_answer(session.cwd, name, approve=True)
            state.status = "pending"
            state.error = ""
            note = f"approved {name!r} (kept in {path}); "
        else:
            note = ""
        if state.status != "pending":
            return f"{note}{name!r} is {state.status}"
    else:
        note = ""
    await manager.reconnect(name)
    session.refresh_tools()
    return f"{note}{name!r}: {state.status}" + (f"\n{state.error}" if state.error else "")


async def _login(session: Session, manager: Manager, name: str) -> str:
    from corral.api import CorralError, Notice

    from corral_mcp.login import open_browser, outcome, remote_state

    async def present(server: str, url: str) -> None:
        await session.emit(Notice(level="warning", text=f"mcp: sign in to {server!r} in your "
                                  f"browser (waiting for it): {url}", data={"plugin": "mcp"}))
        open_browser(url)

    try:
        remote_state(manager, name)
    except CorralError as exc:
        return str(exc)
    state = await manager.sign_in_to(name, present)
    session.refresh_tools()
    return outcome(state)[1]


def command() -> SlashCommand:
    return SlashCommand(name="mcp", description="MCP servers: status, approve, deny, reconnect, login",
                        run=run, argument_hint="[approve|deny|reconnect|login NAME]")
