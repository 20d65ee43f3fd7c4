"""Merging the layers into one validated :class:`~corral.config.schema.Config`.

Layers, lowest first: built-in defaults, Claude Code user settings, the user ``config.toml``,
Claude Code project settings, ``.claude/corral.toml``, ``.claude/settings.local.json``,
``.claude/corral.local.toml``, the ``--settings`` files or JSON, the environment, the command
line, and the managed policy above all. Tables merge key by key, lists merge (each item once, in layer order), and every other
value comes from the highest layer that sets it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from corral.config._errors import config_error
from corral.config.layers import (
    Layer,
    env_layer,
    file_layers,
    managed_layer,
    settings_flag_layer,
)
from corral.config.schema import Config
from corral.errors import ConfigError

DEFAULTS = Layer(name="defaults", source="default", data={})


class LoadedConfig:
    """The merged configuration with the origin of every value."""

    def __init__(self, layers: list[Layer]) -> None:
        self.layers = layers
        #: Where each scalar came from, by dotted key (``permissions.default_mode``).
        self.origins: dict[str, str] = {}
        #: Where each list item came from, by dotted key of the list.
        self.item_origins: dict[str, list[str]] = {}
        merged: dict[str, Any] = {}
        for layer in layers:
            _merge(merged, layer.data, layer.source, "", self.origins, self.item_origins)
        self.raw = merged
        self.config = _convert(merged, "the merged configuration")

    def origin(self, key: str) -> str:
        """The source of the value at ``key``, or ``default``."""
        return self.origins.get(key, "default")

    def rule_sources(self) -> list[tuple[str, str, str, str]]:
        """Every permission rule as ``(kind, rule, source, root)``, lowest layer first."""
        rules: list[tuple[str, str, str, str]] = []
        for layer in self.layers:
            perms = layer.data.get("permissions") or {}
            for kind in ("deny", "ask", "allow"):
                for rule in perms.get(kind, []) or []:
                    rules.append((kind, rule, layer.source, layer.root))
        return rules

    def validate_plugins(self, registry: Mapping[str, type[msgspec.Struct]]) -> None:
        """Validate each ``[plugins.<name>]`` table, layer by layer, with its Struct, then
        store the merged, validated settings (defaults for absent tables) in the config."""
        for layer in self.layers:
            tables = layer.data.get("plugins") or {}
            for name, table in tables.items():
                struct = registry.get(name)
                if struct is None:
                    continue
                if not isinstance(table, dict):
                    raise ConfigError(layer.source, f"plugins.{name}", "expected a table")
                try:
                    msgspec.convert(table, struct)
                except msgspec.ValidationError as exc:
                    raise config_error(exc, layer.source, struct, f"plugins.{name}") from exc
        merged_tables: dict[str, Any] = self.raw.get("plugins", {})
        result: dict[str, Any] = dict(merged_tables)
        for name, struct in registry.items():
            try:
                result[name] = msgspec.convert(merged_tables.get(name, {}), struct)
            except msgspec.ValidationError as exc:
                raise config_error(
                    exc, "the merged configuration", struct, f"plugins.{name}"
                ) from exc
        self.config.plugins = result


def _merge(
    into: dict[str, Any],
    data: Mapping[str, Any],
    source: str,
    prefix: str,
    origins: dict[str, str],
    item_origins: dict[str, list[str]],
) -> None:
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        current = into.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            _merge(current, value, source, dotted, origins, item_origins)
        elif isinstance(value, Mapping):
            into[key] = {}
            _merge(into[key], value, source, dotted, origins, item_origins)
        elif isinstance(value, list) and isinstance(current, list):
            seen = item_origins.setdefault(dotted, [])
            for item in value:
                if item not in current:
                    current.append(item)
                    seen.append(source)
        elif isinstance(value, list):
            into[key] = list(value)
            item_origins[dotted] = [source] * len(value)
            origins[dotted] = source
        else:
            into[key] = value
            origins[dotted] = source


def _convert(data: Mapping[str, Any], source: str) -> Config:
    try:
        return msgspec.convert(data, Config)
    except msgspec.ValidationError as exc:
        raise config_error(exc, source, Config) from exc


def load_config(
    cwd: Path | None = None,
    *,
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    settings: Sequence[str] = (),
) -> LoadedConfig:
    """Read, check and merge every layer. Each layer is validated on its own first, so an
    error names the file it is in. ``settings`` are ``--settings`` values (a settings.json
    file or inline JSON each), above the files and below the environment."""
    cwd = cwd or Path(os.getcwd())
    environ = os.environ if environ is None else environ
    layers = [DEFAULTS, *file_layers(cwd)]
    if settings:
        from corral import paths

        root = paths.project_root(cwd)
        layers += [settings_flag_layer(value, root) for value in settings]
    layers.append(env_layer(environ))
    if cli:
        layers.append(Layer(name="cli", source="cli", data=dict(cli), root=str(cwd)))
    managed = managed_layer()
    if managed is not None:
        layers.append(managed)
    for layer in layers:
        _convert(layer.data, layer.source)
    return LoadedConfig(layers)
