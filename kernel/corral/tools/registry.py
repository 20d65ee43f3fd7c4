"""The tools plugins offer one session (the kernel's built-in ones come from its internal
plugin :mod:`corral.internal_plugins.tools`), by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.errors import CorralError

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import Tool


class DuplicateToolError(CorralError):
    pass


def collect_tools(session: Session) -> dict[str, Tool]:
    """Every plugin's tools by name, the built-in ones first; a name taken twice is an
    error that names both owners."""
    tools: dict[str, Tool] = {}
    owners: dict[str, str] = {}
    records = session.hooks.records
    for plugin, tool in session.hooks.register_tools(session):
        if tool.name in tools:
            raise DuplicateToolError(
                f"tool name {tool.name!r} is registered by {owners[tool.name]} and by plugin "
                f"{plugin!r}; disable one of them"
            )
        tools[tool.name] = tool
        record = records.get(plugin)
        owners[tool.name] = "corral (built-in)" if record and record.builtin else f"plugin {plugin!r}"
    return tools
