"""Signing in to a remote server that wants OAuth: ``corral mcp login NAME``, ``/mcp login``.

The browser step: the authorization URL is shown (stderr, or a notice in the REPL) and opened
with :mod:`webbrowser` (``$BROWSER`` chooses the program; ``CORRAL_NO_BROWSER=1`` only
prints it); the flow then waits for the browser to return to the loopback callback.
"""

from __future__ import annotations

import asyncio
import os
import sys
import webbrowser
from typing import TYPE_CHECKING

from corral.api import UsageError

from corral_mcp.oauth import Present, forget

if TYPE_CHECKING:
    from corral.api import App

    from corral_mcp.manager import Manager, ServerState


def open_browser(url: str) -> None:
    """Open ``url`` in a worker thread (a browser command may not return at once)."""
    if os.environ.get("CORRAL_NO_BROWSER"):
        return
    asyncio.get_running_loop().run_in_executor(None, webbrowser.open, url)


async def present_on_stderr(name: str, url: str) -> None:
    sys.stderr.write(f"corral: mcp: sign in to {name!r} in your browser (waiting for it):\n"
                     f"  {url}\n")
    sys.stderr.flush()
    open_browser(url)


def remote_state(manager: Manager, name: str) -> ServerState:
    state = manager.servers.get(name)
    if state is None:
        known = ", ".join(sorted(manager.servers)) or "none"
        raise UsageError(f"no MCP server named {name!r} (configured: {known})")
    if state.config.transport == "stdio":
        raise UsageError(f"{name!r} is a stdio server; only HTTP and SSE servers sign in")
    if state.status in ("needs-approval", "disabled"):
        raise UsageError(f"{name!r} is a project server that is {state.status}; approve it "
                         "first (/mcp approve NAME or enabledMcpjsonServers)")
    return state


def outcome(state: ServerState) -> tuple[int, str]:
    if state.status == "connected":
        return 0, f"signed in to {state.name!r}: connected, {len(state.tools)} tools"
    return 1, f"{state.name!r}: {state.status}" + (f": {state.error}" if state.error else "")


async def login(app: App, name: str, present: Present = present_on_stderr) -> tuple[int, str]:
    from corral_mcp import runtime

    servers = runtime.configured(app)
    manager = runtime.make_manager(app, servers)
    try:
        remote_state(manager, name)
        state = await manager.sign_in_to(name, present)
        return outcome(state)
    finally:
        await manager.close()


def logout(app: App, name: str) -> str:
    from corral_mcp import runtime

    config = runtime.configured(app).servers.get(name)
    if config is None or config.transport == "stdio":
        raise UsageError(f"no remote MCP server named {name!r}")
    if forget(name, config.url):
        return f"signed out of {name!r} (its stored tokens are removed)"
    return f"nothing stored for {name!r}"
