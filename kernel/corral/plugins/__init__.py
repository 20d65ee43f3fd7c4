"""The plugin host: discovery through entry points, feature flags, and the typed hook facade."""

from __future__ import annotations

from corral.plugins.host import PluginHost
from corral.plugins.records import PluginRecord

__all__ = ["PluginHost", "PluginRecord"]
