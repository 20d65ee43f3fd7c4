"""The kernel's own plugins, registered by name like any other (they cannot be disabled)."""

from __future__ import annotations

#: ``(name, module)`` of every built-in plugin, in registration order.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("core-prompt", "corral.builtin.prompt"),
    ("memory", "corral.builtin.memory"),
    ("tools", "corral.builtin.tools"),
    ("background-jobs", "corral.builtin.jobs"),
)
