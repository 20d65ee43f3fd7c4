"""corral-mcp: tools, resources and prompts from MCP servers."""

from __future__ import annotations

__version__ = "0.1.0"
