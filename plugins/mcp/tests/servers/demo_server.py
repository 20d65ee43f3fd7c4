"""A small MCP server for the tests, written with the official SDK's server side.

``python demo_server.py stdio`` or ``python demo_server.py http PORT`` (streamable HTTP on
127.0.0.1) or ``python demo_server.py sse PORT``. ``DEMO_NAME`` names it; ``DEMO_FAIL_START``
makes it exit at once with a message on stderr.
"""

from __future__ import annotations

import base64
import os
import sys

from mcp.server.mcpserver import Context, Image, MCPServer
from mcp.types import ToolAnnotations

NAME = os.environ.get("DEMO_NAME", "demo")
if os.environ.get("DEMO_FAIL_START"):
    sys.stderr.write("demo server: refusing to start (DEMO_FAIL_START)\n")
    sys.exit(3)

server = MCPServer(NAME)
#: A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def add(a: int, b: int) -> str:
    """Add two integers."""
    return f"{a} + {b} = {a + b} (from {NAME})"


@server.tool()
def shout(text: str) -> str:
    """Upper-case a text."""
    return text.upper()


@server.tool()
def weather(city: str) -> dict[str, object]:
    """Structured weather for a city."""
    return {"city": city, "celsius": 21}


@server.tool()
def pixel() -> Image:
    """A tiny image."""
    return Image(data=PIXEL, format="png")


@server.tool()
def broken(reason: str) -> str:
    """Always fails."""
    raise ValueError(f"broken on purpose: {reason}")


@server.tool()
def big(chars: int) -> str:
    """A long text."""
    return "x" * chars


@server.tool()
def getenv(name: str) -> str:
    """An environment variable of the server's process."""
    return f"{name}={os.environ.get(name, '<unset>')}"


@server.tool()
def die() -> str:
    """Ends the server process."""
    sys.stderr.write("demo server: dying on request\n")
    sys.stderr.flush()
    os._exit(7)


@server.tool()
async def grow(ctx: Context) -> str:
    """Adds the tool `extra` and says the tool list changed."""

    def extra() -> str:
        """Appeared later."""
        return "extra!"

    server.add_tool(extra)
    await ctx.notify_tools_changed()
    return "grown"


@server.resource("note://hello", name="hello", mime_type="text/plain")
def hello_note() -> str:
    return f"hello from the {NAME} notes"


@server.prompt()
def review(topic: str) -> str:
    """Ask for a review of a topic."""
    return f"Please review {topic} carefully."


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "stdio"
    if mode == "stdio":
        server.run("stdio")
    elif mode == "http":
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("sse", host="127.0.0.1", port=int(sys.argv[2]))
