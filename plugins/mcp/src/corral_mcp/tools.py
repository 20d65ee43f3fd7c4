"""MCP tools as corral tools (``mcp__<server>__<tool>``), and the resource tools."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import Tool, ToolResult

from corral_mcp.manager import Manager, ServerState, describe
from corral_mcp.results import as_content, cap, content_blocks, resource_blocks, with_structured

if TYPE_CHECKING:
    from corral.api import Session

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
#: The longest tool name the Messages API accepts.
MAX_NAME = 64


def tool_name(server: str, tool: str) -> str:
    """``mcp__<server>__<tool>``, with characters a tool name may not hold replaced."""
    return f"mcp__{_UNSAFE.sub('_', server)}__{_UNSAFE.sub('_', tool)}"[:MAX_NAME]


def _unavailable(state: ServerState) -> ToolResult:
    reason = f": {state.error}" if state.error else ""
    return ToolResult(content=f"MCP server {state.name!r} is {state.status}{reason}",
                      is_error=True)


def connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` says the server is gone (its process ended, its stream closed)."""
    import anyio

    if isinstance(exc, anyio.ClosedResourceError | anyio.BrokenResourceError | EOFError):
        return True
    return "connection closed" in str(exc).lower()


class McpTool(Tool):
    """One tool of one connected server; its input schema is the server's own."""

    input_type = dict  # type: ignore[assignment]  # the server validates against its schema

    def __init__(self, state: ServerState, tool: Any, manager: Manager, max_tokens: int) -> None:
        self.state = state
        self.remote = tool.name
        self.name = tool_name(state.name, tool.name)  # type: ignore[misc]
        text = tool.description or tool.title or f"{tool.name} (from MCP server {state.name})"
        self.description = text  # type: ignore[misc]
        self.schema = dict(tool.input_schema or {"type": "object", "properties": {}})
        self.schema.setdefault("type", "object")
        hints = tool.annotations
        self.read_only = bool(hints is not None and hints.read_only_hint)  # type: ignore[misc]
        self.concurrency_safe = self.read_only  # type: ignore[misc]
        self.manager = manager
        self.max_tokens = max_tokens

    def input_schema(self) -> dict[str, Any]:  # type: ignore[override]
        return self.schema

    async def run(self, session: Session, params: Any) -> ToolResult:
        state = self.state
        client = state.client
        if client is None:
            return _unavailable(state)
        timeout = self.manager.call_timeout_s
        try:
            async with asyncio.timeout(timeout):
                result = await client.call_tool(self.remote, dict(params))
        except TimeoutError:
            return ToolResult(content=f"{self.name}: no answer from MCP server {state.name!r} "
                              f"within {timeout:g} s ([plugins.mcp] call_timeout_s)", is_error=True)
        except Exception as exc:
            if connection_lost(exc):
                self.manager.lost(state, describe(exc))
            if state.status != "connected":
                return _unavailable(state)
            return ToolResult(content=f"{self.name} failed: {describe(exc)}", is_error=True)
        blocks = with_structured(content_blocks(list(result.content)), result.structured_content)
        return ToolResult(content=as_content(cap(blocks, self.max_tokens)) or "(no output)",
                          is_error=bool(result.is_error),
                          meta={"mcp_server": state.name, "mcp_tool": self.remote})


class ListInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    server: str | None = None


class ReadInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    server: str
    uri: str


class ListMcpResourcesTool(Tool):
    name = "ListMcpResourcesTool"
    description = ("List the resources that connected MCP servers offer (their URIs, names and "
                   "types). Give `server` to list only one server's.")
    input_type = ListInput
    read_only = True
    concurrency_safe = True

    def __init__(self, manager: Manager) -> None:
        self.manager = manager

    async def run(self, session: Session, params: ListInput) -> ToolResult:
        states = [s for s in self.manager.connected() if s.has_resources]
        if params.server is not None:
            states = [s for s in states if s.name == params.server]
            if not states:
                known = ", ".join(s.name for s in self.manager.connected() if s.has_resources)
                return ToolResult(content=f"no connected MCP server {params.server!r} with "
                                  f"resources (known: {known or 'none'})", is_error=True)
        rows: list[dict[str, Any]] = []
        for state in states:
            try:
                listing = await state.client.list_resources()
            except Exception as exc:
                rows.append({"server": state.name, "error": describe(exc)})
                continue
            for res in listing.resources:
                row = {"server": state.name, "uri": str(res.uri), "name": res.name}
                if res.mime_type:
                    row["mimeType"] = res.mime_type
                if res.description:
                    row["description"] = res.description
                rows.append(row)
        return ToolResult(content=msgspec.json.encode(rows).decode() if rows else
                          "No resources found.")


class ReadMcpResourceTool(Tool):
    name = "ReadMcpResourceTool"
    description = "Read one resource of a connected MCP server by its URI."
    input_type = ReadInput
    read_only = True
    concurrency_safe = True

    def __init__(self, manager: Manager, max_tokens: int) -> None:
        self.manager = manager
        self.max_tokens = max_tokens

    async def run(self, session: Session, params: ReadInput) -> ToolResult:
        state = self.manager.servers.get(params.server)
        if state is None:
            known = ", ".join(sorted(self.manager.servers)) or "none"
            return ToolResult(content=f"no MCP server {params.server!r} (known: {known})",
                              is_error=True)
        if state.client is None:
            return _unavailable(state)
        try:
            result = await read_resource(state, params.uri)
        except Exception as exc:
            return ToolResult(content=f"reading {params.uri} from {state.name!r} failed: "
                              f"{describe(exc)}", is_error=True)
        return ToolResult(content=as_content(cap(result, self.max_tokens)) or "(empty resource)")


async def read_resource(state: ServerState, uri: str) -> list[dict[str, Any]]:
    result = await state.client.read_resource(uri)
    return resource_blocks(list(result.contents))
