"""The application object: configuration plus a fresh plugin host, built in a fixed order.

Order: hookspecs → block the names the feature flags turn off → load the enabled ``corral``
entry points (filtered by name before ``ep.load()``, so a disabled plugin costs no import) →
register the kernel's built-in plugins → check for unknown hooks → the historic
``corral_add_settings`` → validate every ``[plugins.<name>]`` table → ``corral_configure``.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corral.config import LoadedConfig, load_config
from corral.config.schema import Config
from corral.hints import resolve_annotations
from corral.internal_plugins import BUILTIN_PLUGINS
from corral.plugins import discovery
from corral.plugins.host import PluginHost, Warn, _stderr
from corral.plugins.records import PluginRecord

if TYPE_CHECKING:
    from corral.engine.lifecycle import Lifecycle


class App:
    """Everything a corral run shares: where it runs, its config, and its plugins."""

    def __init__(
        self,
        cwd: Path,
        loaded: LoadedConfig,
        host: PluginHost,
        *,
        cli: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        settings: Sequence[str] = (),
    ) -> None:
        self.cwd = cwd
        self.loaded = loaded
        self.host = host
        self._cli = dict(cli or {})
        #: The parsed command line, plugins' options included (see ``corral_add_options``);
        #: empty when the application was made without one.
        self.options = argparse.Namespace()
        self._environ = environ
        self._settings = tuple(settings)

    def reload_config(self) -> None:
        """Read the layers again (after corral itself wrote a rule); plugins stay loaded."""
        loaded = load_config(self.cwd, cli=self._cli, environ=self._environ,
                             settings=self._settings)
        loaded.validate_plugins(self.host.settings_types)
        self.loaded = loaded

    @property
    def config(self) -> Config:
        return self.loaded.config

    @functools.cached_property
    def lifecycle(self) -> Lifecycle:
        """What the kernel does for every session of this app (see
        :mod:`corral.engine.lifecycle`); imported on first use, so ``corral --help`` stays
        light."""
        from corral.engine.lifecycle import Lifecycle

        return Lifecycle()

    @classmethod
    def create(
        cls,
        *,
        cwd: Path | None = None,
        cli: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        strict: bool = False,
        debug: bool = False,
        warn: Warn = _stderr,
        extra_plugins: Mapping[str, object] | None = None,
        session_follows: bool = False,
        settings: Sequence[str] = (),
    ) -> App:
        """Load config and plugins. ``extra_plugins`` registers objects by name (tests);
        ``settings`` are ``--settings`` values (see :func:`corral.config.load_config`).

        ``session_follows``: a session will run, so what it will wait for (the sandbox
        probe, a subprocess) starts in the background as soon as the configuration is read.
        """
        environ = os.environ if environ is None else environ
        cwd = (cwd or Path(os.getcwd())).resolve()
        resolve_annotations(Config)  # once, before msgspec converts every layer to it
        loaded = load_config(cwd, cli=cli, environ=environ, settings=settings)
        if session_follows:
            from corral.sandbox.detect import detect_soon

            detect_soon(loaded.config.sandbox.enable_weaker_nested_sandbox)
        for layer in loaded.layers:
            for problem in layer.warnings:
                warn(f"corral: warning: {problem}")
        host = PluginHost(
            strict=strict,
            debug=debug,
            trace=environ.get("CORRAL_TRACE_PLUGINS", "") not in ("", "0"),
            warn=warn,
        )
        _load_entry_points(host, loaded, environ)
        for name, module_name in BUILTIN_PLUGINS:
            record = PluginRecord(
                name=name, distribution="corral", version=None, enabled=True,
                decided_by="builtin", builtin=True,
            )
            host.register(importlib.import_module(module_name), record)
        for name, plugin in (extra_plugins or {}).items():
            record = PluginRecord(
                name=name, distribution=None, version=None, enabled=True, decided_by="api"
            )
            host.register(plugin, record)
        host.check_pending()
        settings_types = host.add_settings()
        for struct in settings_types.values():
            resolve_annotations(struct)
        loaded.validate_plugins(settings_types)
        host.configure(loaded.config)
        return cls(cwd, loaded, host, cli=cli, environ=environ, settings=settings)


def _load_entry_points(host: PluginHost, loaded: LoadedConfig, environ: Mapping[str, str]) -> None:
    eps, default_off = discovery.scan()
    only_env = environ.get("CORRAL_LOAD_PLUGINS")
    only = None if only_env is None else {n.strip() for n in only_env.split(",") if n.strip()}
    flags = discovery.decide_flags(
        sorted(eps),
        loaded.config.features,
        loaded.origins,
        default_off,
        only,
    )
    for name in sorted(eps):
        ep = eps[name]
        dist, version = discovery.distribution_of(ep)
        flag = flags[name]
        record = PluginRecord(
            name=name, distribution=dist, version=version,
            enabled=flag.enabled, decided_by=flag.decided_by,
        )
        if not flag.enabled:
            host.block(name)
            host.records[name] = record
            continue
        try:
            module = ep.load()
        except Exception as exc:
            host.record_failure(record, exc, f"failed to import {ep.value}")
            continue
        host.register(module, record)
