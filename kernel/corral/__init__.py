"""corral: an open coding-agent harness.

The kernel owns the query loop and the permission chain; everything else is a plugin that
talks to it through the hooks in :mod:`corral.hookspecs`. This module stays light: importing
``corral`` must not import the model SDK or rich's live display.
"""

from __future__ import annotations

import pluggy

from corral._version import __version__

#: Marker for hook implementations: ``@corral.hookimpl`` on a function named after a hookspec.
hookimpl = pluggy.HookimplMarker("corral")

__all__ = ["__version__", "hookimpl"]
