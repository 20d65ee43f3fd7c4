"""``corral mcp serve``: corral's own tools offered to an MCP client over stdio.

A headless session of the current directory is started (its configuration, plugins, rules
and mode, as ``corral -p`` would have them, but no MCP servers of its own); each
``tools/call`` runs through that session's :class:`~corral.api.ToolRunner`, so validation,
PreToolUse/PostToolUse hooks and the permission chain apply as for the model's own calls.
Nobody can be asked: a call that would ask is denied, and the result says why and how to
allow it (a rule, ``--allowedTools`` or ``--permission-mode`` before ``mcp serve``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from corral.api import StashKey

if TYPE_CHECKING:
    from corral.api import App, Tool, ToolResult

#: Set on a session that serves MCP clients: it starts no servers.
SERVING: StashKey[bool] = StashKey("mcp.serving")


def _content(result: ToolResult) -> list[Any]:
    """A corral tool result as MCP content blocks (text and images; other blocks as JSON)."""
    from mcp.types import ImageContent, TextContent

    if isinstance(result.content, str):
        return [TextContent(type="text", text=result.content)]
    blocks: list[Any] = []
    for block in result.content:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            blocks.append(TextContent(type="text", text=str(block.get("text", ""))))
        elif kind == "image" and isinstance(block.get("source"), dict) and \
                block["source"].get("type") == "base64":
            source = block["source"]
            blocks.append(ImageContent(type="image", data=str(source.get("data", "")),
                                       mime_type=str(source.get("media_type", "image/png"))))
        else:
            import json  # only `corral mcp serve` needs it, not every run loading SERVING

            blocks.append(TextContent(type="text", text=json.dumps(block, default=str)))
    return blocks


def _described(tool: Tool) -> Any:
    from mcp.types import Tool as McpTool

    return McpTool(name=tool.name, description=tool.description,
                   input_schema=tool.input_schema())


def served_tools(tools: dict[str, Tool]) -> dict[str, Tool]:
    """The tools a client sees: the session's own, not tools of MCP servers (none run here)."""
    return {name: tool for name, tool in tools.items() if not name.startswith("mcp__")}


async def serve(app: App) -> int:
    """Serve MCP over this process's stdin and stdout until the client closes them."""
    from corral.api import Session, ToolRunner, __version__
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server
    from mcp.types import CallToolResult, ListToolsResult

    session = Session(app, headless=True)
    session.stash[SERVING] = True
    await session.start()
    try:
        tools = served_tools(session.tools)
        runner = ToolRunner(session, tools, 1, origin="mcp")

        async def list_tools(_ctx: Any, _params: Any) -> ListToolsResult:
            return ListToolsResult(tools=[_described(t) for t in tools.values()])

        async def call_tool(_ctx: Any, params: Any) -> CallToolResult:
            use = {"id": f"toolu_mcp_{uuid.uuid4().hex[:16]}", "name": params.name,
                   "input": dict(params.arguments or {})}
            result = await runner.run_one(use)
            return CallToolResult(content=_content(result), is_error=result.is_error)

        server: Server[Any] = Server(
            "corral", version=__version__, on_list_tools=list_tools, on_call_tool=call_tool,
            instructions="corral's tools (files, shell, search) in "
            f"{session.cwd}; every call goes through corral's permission rules.")
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())
    finally:
        await session.end()
    return 0
