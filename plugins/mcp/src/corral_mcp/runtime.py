"""Per-run state: the configured servers, their approval, and the manager that runs them.

A run whose configuration names no server reads it and stops there: the manager and the
approval store are imported only when there is a server to run.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corral_mcp.config import Servers, load_servers
from corral_mcp.settings import Settings

if TYPE_CHECKING:
    from corral.api import App

    from corral_mcp.manager import Manager, ServerState
    from corral_mcp.oauth import Present

NAME = "mcp"

#: The manager of each application (a run), shared by its main session and sub-agents.
_managers: weakref.WeakKeyDictionary[Any, Manager] = weakref.WeakKeyDictionary()


def settings_of(config: Any) -> Settings:
    if config is None:
        return Settings()
    value = config.plugin_settings(NAME)
    return value if isinstance(value, Settings) else Settings()


def configured(app: App, *, environ: dict[str, str] | None = None) -> Servers:
    """Every server the configuration names for ``app``'s directory, and the problems met."""
    settings = settings_of(app.config)
    options = getattr(app, "options", None)
    return load_servers(
        app.cwd, environ=os.environ if environ is None else environ,
        corral_servers=settings.servers,
        cli_configs=[*settings.config, *(getattr(options, "mcp_config", None) or [])],
        strict=settings.strict_config or bool(getattr(options, "mcp_strict_config", False)),
        plugin_sets=app.host.mcp_servers(app),
    )


def states_for(cwd: Path, settings: Settings, servers: Servers) -> list[ServerState]:
    """A state per server: project servers the user has not approved stay unstarted."""
    from corral_mcp.approval import read_approvals
    from corral_mcp.manager import ServerState

    approvals = read_approvals(cwd, settings) if any(
        s.scope == "project" for s in servers.servers.values()) else None
    states: list[ServerState] = []
    for server in servers.servers.values():
        state = ServerState(server)
        if server.scope == "project" and approvals is not None:
            verdict = approvals.verdict(server.name)
            if verdict != "approved":
                state.status = verdict
                state.error = ("refused in the settings (disabledMcpjsonServers)"
                               if verdict == "disabled" else
                               "a project server from .mcp.json; approve it with `/mcp approve "
                               f"{server.name}` or add it to enabledMcpjsonServers")
        states.append(state)
    return states


def make_manager(app: App, servers: Servers, *, sign_in: Present | None = None) -> Manager:
    """A manager for ``servers``; ``sign_in`` shows OAuth URLs (None: sessions and listings,
    where a server that wants a sign-in fails and says how to sign in)."""
    from corral_mcp.manager import Manager

    settings = settings_of(app.config)
    startup = settings.startup_timeout_s
    if sign_in is not None:  # a person is signing in: give them the time for it
        startup += settings.oauth_timeout_s
    return Manager(states_for(app.cwd, settings, servers), cwd=app.cwd,
                   startup_timeout_s=startup, call_timeout_s=settings.call_timeout_s,
                   sign_in=sign_in, oauth_timeout_s=settings.oauth_timeout_s,
                   env=dict(getattr(app.config, "env", None) or {}))


def manager_of(app: Any) -> Manager | None:
    return _managers.get(app)


def set_manager(app: Any, manager: Manager | None) -> None:
    if manager is None:
        _managers.pop(app, None)
    else:
        _managers[app] = manager
