"""The kernel's own plugins, registered by name like any other (they cannot be disabled)."""

from __future__ import annotations

#: ``(name, module)`` of every built-in plugin, in registration order.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("core-prompt", "corral.internal_plugins.prompt"),
    ("memory", "corral.internal_plugins.memory"),
    ("tools", "corral.internal_plugins.tools"),
    ("background-jobs", "corral.internal_plugins.jobs"),
    ("skills", "corral.internal_plugins.skills"),
    ("status-line", "corral.internal_plugins.status_line"),
    ("slash-command-tool", "corral.internal_plugins.slash_tool"),
    ("bundles", "corral.internal_plugins.bundles"),
    # after background-jobs: its tryfirst corral_session_end runs before theirs
    ("command-hooks", "corral.internal_plugins.command_hooks"),
)
