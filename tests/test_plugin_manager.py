"""The host's plugin manager finds exactly the hook implementations pluggy's finds."""

from __future__ import annotations

import importlib
import types
from typing import Any

import pluggy
from corral import hookimpl, hookspecs
from corral.internal_plugins import BUILTIN_PLUGINS
from corral.plugins._manager import PluginManager


def _module() -> types.ModuleType:
    module = types.ModuleType("corral_test_plugin")

    @hookimpl
    def corral_configure(config: Any) -> None:
        return None

    @hookimpl(specname="corral_session_start")
    def starting(session: Any) -> None:
        return None

    def corral_session_end(session: Any) -> None:  # no marker: not a hook implementation
        return None

    class Holder:
        @staticmethod
        @hookimpl
        def corral_status(session: Any) -> None:
            return None

    module.corral_configure = corral_configure  # type: ignore[attr-defined]
    module.starting = starting  # type: ignore[attr-defined]
    module.corral_session_end = corral_session_end  # type: ignore[attr-defined]
    module.corral_status = Holder.__dict__["corral_status"]  # type: ignore[attr-defined]
    module.corral_idle = 42  # type: ignore[attr-defined]
    module.helper = len  # type: ignore[attr-defined]
    return module


def _hooks(manager: pluggy.PluginManager, plugin: object) -> list[tuple[str, str]]:
    manager.add_hookspecs(hookspecs)
    manager.register(plugin, name="p")
    return sorted((caller.name, impl.function.__name__)
                  for caller in manager.get_hookcallers(plugin) or []
                  for impl in caller.get_hookimpls())


def test_a_module_plugin_registers_the_same_hooks_as_with_pluggys_manager() -> None:
    plugin = _module()
    found = _hooks(PluginManager(), plugin)
    assert found == _hooks(pluggy.PluginManager("corral"), plugin)
    assert found == [("corral_configure", "corral_configure"),
                     ("corral_session_start", "starting"),
                     ("corral_status", "corral_status")]


def test_the_kernels_own_plugins_register_the_same_hooks_as_with_pluggys_manager() -> None:
    for _, module_name in BUILTIN_PLUGINS:
        module = importlib.import_module(module_name)
        ours = _hooks(PluginManager(), module)
        assert ours, module_name
        assert ours == _hooks(pluggy.PluginManager("corral"), module), module_name


def test_a_class_instance_plugin_is_read_by_pluggy_itself() -> None:
    class Plugin:
        @hookimpl
        def corral_configure(self, config: Any) -> None:
            return None

        def corral_idle(self, session: Any) -> None:
            return None

    plugin = Plugin()
    assert _hooks(PluginManager(), plugin) == [("corral_configure", "corral_configure")]
