"""Reading the configuration layers: files, Claude Code settings, environment, command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from corral import paths
from corral.config.claude_settings import translate
from corral.errors import ConfigError


class Layer(msgspec.Struct, kw_only=True):
    """One source of configuration, as a raw table in corral's own shape."""

    #: Short name: defaults, user, project, local, claude-user, claude-project,
    #: claude-local, claude-cli (``--settings``), env, cli, managed.
    name: str
    #: What to show as its origin: a file path, ``env`` or ``cli``.
    source: str
    data: dict[str, Any]
    #: Directory that ``/``-anchored path rules in this layer are relative to.
    root: str = ""
    #: Keys of the file corral does not use (``corral doctor`` lists them).
    unused: list[str] = msgspec.field(default_factory=list)
    #: Problems that did not stop the file from loading, warned about at start.
    warnings: list[str] = msgspec.field(default_factory=list)


def read_toml(path: Path, name: str, root: Path) -> Layer | None:
    """Read a corral TOML file, or ``None`` when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read the file: {exc.strerror}") from exc
    import tomllib  # only when a file exists: most runs have none

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), "", f"not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"invalid TOML: {exc}") from exc
    return Layer(name=name, source=str(path), data=data, root=str(root))


def read_claude_settings(path: Path, name: str, root: Path) -> Layer | None:
    """Read a Claude Code ``settings.json`` as a layer, as Claude Code reads it
    (:mod:`corral.config.claude_settings`): keys corral does not use are ignored and listed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read the file: {exc.strerror}") from exc
    found = translate(raw, str(path))
    return Layer(name=name, source=str(path), data=found.data, root=str(root),
                 unused=found.unused, warnings=found.warnings)


def settings_flag_layer(value: str, root: Path) -> Layer:
    """``--settings FILE_OR_JSON``: a Claude Code settings object for this run, from a file
    or given inline (text starting with ``{``), read as :func:`read_claude_settings` reads
    a settings file. Its source names the flag, so an error says where the bad text was."""
    text = value.strip()
    if text.startswith(("{", "[")):
        source = "--settings JSON"
        raw = text.encode("utf-8")
    else:
        path = Path(value).expanduser()
        source = f"--settings {path}"
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise ConfigError(source, "", "no such file (give a settings.json file or a "
                              "JSON object)") from None
        except OSError as exc:
            raise ConfigError(source, "", f"cannot read the file: {exc.strerror}") from exc
    found = translate(raw, source)
    return Layer(name="claude-cli", source=source, data=found.data, root=str(root),
                 unused=found.unused, warnings=found.warnings)


def parse_feature_list(text: str) -> dict[str, bool]:
    """Parse ``CORRAL_FEATURES``: ``"buddy,-kairos"`` turns buddy on and kairos off."""
    flags: dict[str, bool] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        on = not item.startswith("-")
        name = item.lstrip("+-").strip()
        if not name:
            raise ConfigError("CORRAL_FEATURES", "", f"empty feature name in {text!r}")
        flags[name] = on
    return flags


_SWITCH = {"1": True, "on": True, "true": True, "yes": True,
           "0": False, "off": False, "false": False, "no": False}


def env_layer(environ: Mapping[str, str]) -> Layer:
    """Settings from environment variables."""
    data: dict[str, Any] = {}
    model = environ.get("CORRAL_MODEL") or environ.get("ANTHROPIC_MODEL")
    if model:
        data["model"] = model
    if environ.get("CORRAL_FEATURES"):
        data["features"] = parse_feature_list(environ["CORRAL_FEATURES"])
    if environ.get("CORRAL_PERMISSION_MODE"):
        data["permissions"] = {"default_mode": environ["CORRAL_PERMISSION_MODE"]}
    sandbox = environ.get("CORRAL_SANDBOX", "").strip().lower()
    if sandbox:
        if sandbox not in _SWITCH:
            raise ConfigError("CORRAL_SANDBOX", "", f"expected 1/on/true or 0/off/false, got "
                              f"{environ['CORRAL_SANDBOX']!r}")
        data["sandbox"] = {"enabled": _SWITCH[sandbox]}
    if environ.get("ANTHROPIC_BASE_URL"):
        data["api"] = {"base_url": environ["ANTHROPIC_BASE_URL"]}
    return Layer(name="env", source="env", data=data, root=os.getcwd())


def file_layers(cwd: Path) -> list[Layer]:
    """Every file layer that exists, lowest first, without the managed policy."""
    root = paths.project_root(cwd)
    home = Path.home()
    claude_user = paths.claude_user_dir()
    candidates: list[Layer | None] = [
        read_claude_settings(claude_user / "settings.json", "claude-user", home),
        read_toml(paths.user_config_dir() / "config.toml", "user", home),
        read_claude_settings(root / ".claude" / "settings.json", "claude-project", root),
        read_toml(root / ".claude" / "corral.toml", "project", root),
        read_claude_settings(root / ".claude" / "settings.local.json", "claude-local", root),
        read_toml(root / ".claude" / "corral.local.toml", "local", root),
    ]
    return [layer for layer in candidates if layer is not None]


def managed_layer() -> Layer | None:
    """The managed policy: ``managed.toml`` in the site config dir, above every other layer."""
    site = paths.site_config_dir()
    return read_toml(site / "managed.toml", "managed", site)
