"""The set of tools one session offers the model: built-in ones and plugins'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.errors import CorralError

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import Tool


class DuplicateToolError(CorralError):
    pass


def collect_tools(session: Session) -> dict[str, Tool]:
    """Built-in tools, then each plugin's, by name; a name taken twice is an error that
    names both owners. Tools removed by a bare-name deny rule are left out, so the model
    never sees them."""
    from corral.engine.gate import removed_tools
    from corral.tools.builtin import BUILTIN_TOOLS

    tools: dict[str, Tool] = {}
    owners: dict[str, str] = {}
    for cls in BUILTIN_TOOLS:
        tools[cls.name] = cls()
        owners[cls.name] = "corral (built-in)"
    for plugin, tool in session.hooks.register_tools(session):
        if tool.name in tools:
            raise DuplicateToolError(
                f"tool name {tool.name!r} is registered by {owners[tool.name]} and by plugin "
                f"{plugin!r}; disable one of them"
            )
        tools[tool.name] = tool
        owners[tool.name] = f"plugin {plugin!r}"
    removed = removed_tools(session, list(tools))
    return {name: tool for name, tool in tools.items() if name not in removed}
