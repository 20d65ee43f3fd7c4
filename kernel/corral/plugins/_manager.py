"""pluggy's plugin manager, with a quicker look at a module plugin's names.

Registering a plugin makes pluggy read every name in it through ``inspect.getattr_static``;
a plugin module's names are mostly imports and constants, and a corral run registers
about a dozen modules before its first request. For a module, a name whose value is not a
function (or a classmethod, staticmethod or bound method), or is a function that carries
no ``corral_impl`` marker, is passed over here with one dictionary lookup; pluggy's own
reading decides every other name, so what is registered is the same.
"""

from __future__ import annotations

import types
from typing import Any

import pluggy

_MARKER = "corral_impl"
_HOOKABLE = (types.FunctionType, classmethod, staticmethod, types.MethodType)


class PluginManager(pluggy.PluginManager):
    def __init__(self) -> None:
        super().__init__("corral")

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if isinstance(plugin, types.ModuleType):
            value = vars(plugin).get(name)
            if not isinstance(value, _HOOKABLE):
                return None
            if isinstance(value, types.FunctionType) and _MARKER not in vars(value):
                return None
        return super().parse_hookimpl_opts(plugin, name)
