"""The ``[plugins.mcp]`` table."""

from __future__ import annotations

from typing import Any

import msgspec


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    #: Servers of corral's own config, in ``.mcp.json``'s shape (user scope).
    servers: dict[str, Any] = msgspec.field(default_factory=dict)
    #: Extra ``.mcp.json``-shaped files or JSON texts (what ``--mcp-config`` gives).
    config: list[str] = msgspec.field(default_factory=list)
    #: Use only ``config`` / ``--mcp-config`` servers (``--strict-mcp-config``).
    strict_config: bool = False
    #: Approve every server of the project's ``.mcp.json`` (``enableAllProjectMcpServers``).
    enable_all_project_servers: bool = False
    #: Project servers approved / refused by name (``enabledMcpjsonServers`` and
    #: ``disabledMcpjsonServers``; both keys are read from Claude Code's settings too).
    enabled_project_servers: list[str] = msgspec.field(default_factory=list)
    disabled_project_servers: list[str] = msgspec.field(default_factory=list)
    #: How long one server may take to start (spawn, connect, list tools).
    startup_timeout_s: float = 30.0
    #: How long after the servers were started the first request may wait for those still
    #: starting; later ones join from the next request. 0: never wait (loading the SDK alone
    #: takes about a second, so a short wait would cost time and rarely bring the tools).
    first_request_wait_s: float = 0.0
    #: How long ``corral mcp login`` waits for the browser to come back from signing in.
    oauth_timeout_s: float = 300.0
    #: How long one tool call may take.
    call_timeout_s: float = 600.0
    #: Tool output above this many tokens (about 4 characters each) is cut, with a note.
    max_output_tokens: int = 25_000
