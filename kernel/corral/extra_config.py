"""Configuration that plugins add beside the settings files: command hooks and MCP servers,
and how those servers stand.

Both are in Claude Code's shapes, so a plugin (the kernel's bundle loader among them) hands
over what it read from a file as it was written.
"""

from __future__ import annotations

from typing import Any

import msgspec


class HookSet(msgspec.Struct, frozen=True, kw_only=True):
    """Command hooks a plugin contributes (``corral_command_hooks``): a table like the
    settings' ``hooks`` (``{Event: [{matcher, hooks: [...]}]}``), with the file it came from.

    ``plugin_root`` is set as ``CLAUDE_PLUGIN_ROOT`` in the environment of these hooks."""

    hooks: dict[str, Any]
    source: str
    plugin_root: str | None = None


class McpServerSet(msgspec.Struct, frozen=True, kw_only=True):
    """MCP servers a plugin contributes (``corral_mcp_servers``): entries like those of an
    ``mcpServers`` object, by server name, with the file they came from."""

    servers: dict[str, Any]
    source: str


class McpServerStatus(msgspec.Struct, frozen=True, kw_only=True):
    """How one MCP server stands in a session (``corral_mcp_status``), as the stream-json
    ``init`` line reports it: ``connected``, ``pending`` (still starting), ``failed`` or
    ``needs-auth`` (it wants a sign-in)."""

    name: str
    status: str
