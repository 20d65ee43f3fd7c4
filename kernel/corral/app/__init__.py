"""The application: configuration, plugin host and lifecycle put together for one directory.

:class:`App` is the composition root (it imports config, plugins, the internal plugins and the
engine's lifecycle), so it lives in a folder of its own above them; only the command line
and the test kit build one. ``from corral.app import App`` loads it on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral._lazy import lazy_getattr

#: Each public name and the module it comes from (loaded on first use).
_HOMES: dict[str, str] = {
    "App": "corral.app.application",
}

if TYPE_CHECKING:
    from corral.app.application import App
else:
    __getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = ["App"]
