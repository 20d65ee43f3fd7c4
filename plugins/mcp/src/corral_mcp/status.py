"""One row per server, for ``corral mcp list``, ``/mcp`` and ``corral mcp get``."""

from __future__ import annotations

from typing import Any

import msgspec

from corral_mcp.manager import Manager, ServerState


class Row(msgspec.Struct, kw_only=True):
    name: str
    scope: str
    transport: str
    status: str
    tools: int
    source: str
    target: str
    error: str = ""


def row(state: ServerState) -> Row:
    config = state.config
    target = " ".join([config.command, *config.args]) if config.transport == "stdio" else config.url
    return Row(name=state.name, scope=config.scope, transport=config.transport,
               status=state.status, tools=len(state.tools), source=config.source, target=target,
               error=state.error)


def rows(manager: Manager) -> list[Row]:
    return [row(s) for s in manager.servers.values()]


def lines(manager: Manager) -> list[str]:
    out: list[str] = []
    for r in rows(manager):
        out.append(f"{r.name}  {r.status}  {r.transport}  {r.scope}  {r.tools} tools  {r.target}")
        if r.error:
            out.extend(f"    {line}" for line in r.error.splitlines())
    return out


def detail(state: ServerState) -> dict[str, Any]:
    data = msgspec.to_builtins(row(state))
    data["config"] = state.config.raw
    data["tool_names"] = [t.name for t in state.tools]
    data["prompts"] = [p.name for p in state.prompts]
    data["resources"] = state.has_resources
    if state.log_path is not None:
        data["stderr_log"] = str(state.log_path)
    return data
