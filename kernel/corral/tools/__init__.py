"""The tool system: tool base class, calls and results (built-in tools live beside it)."""

from __future__ import annotations

from corral.tools.base import Tool, ToolCall, ToolResult

__all__ = ["Tool", "ToolCall", "ToolResult"]
