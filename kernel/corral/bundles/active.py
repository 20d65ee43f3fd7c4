"""Which bundles a run uses, and what each brings, in the shapes the kernel's hooks take.

A bundle is on when the settings' ``enabledPlugins`` say so for its ``name@marketplace``
(highest layer wins), else when its installed record says so (``corral plugin
enable/disable``). Folders given with ``--plugin-dir`` are on for that run.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from corral.agents import AgentDir
from corral.bundles import store
from corral.bundles.manifest import Bundle, load_bundle
from corral.commands import CommandDir
from corral.extra_config import HookSet, McpServerSet

if TYPE_CHECKING:
    from corral.app import App
    from corral.config.loader import LoadedConfig

_CACHE: weakref.WeakKeyDictionary[LoadedConfig, list[Bundle]] = weakref.WeakKeyDictionary()
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class BundleState(msgspec.Struct, kw_only=True):
    """One installed (or settings-named) bundle, for ``corral plugin list``."""

    key: str
    name: str
    marketplace: str
    version: str | None
    enabled: bool
    #: What decided ``enabled``: a settings file, ``installed state`` or ``--plugin-dir``.
    decided_by: str
    installed: bool
    path: str | None
    description: str = ""
    commands: list[str] = msgspec.field(default_factory=list)
    agents: list[str] = msgspec.field(default_factory=list)
    skills: list[str] = msgspec.field(default_factory=list)
    hooks: int = 0
    mcp_servers: list[str] = msgspec.field(default_factory=list)
    problems: list[str] = msgspec.field(default_factory=list)


def plugin_dirs(app: App) -> list[str]:
    return list(getattr(app.options, "plugin_dir", None) or [])


def _decider(loaded: LoadedConfig, key: str) -> str | None:
    return loaded.origins.get(f"enabled_plugins.{key}")


def states(app: App) -> list[BundleState]:
    """Every installed bundle, every bundle the settings name, every ``--plugin-dir``."""
    loaded = app.loaded
    wanted = app.config.enabled_plugins
    out: list[BundleState] = []
    installed = store.load_installed().bundles
    for key, record in sorted(installed.items()):
        setting = wanted.get(key)
        enabled = record.enabled if setting is None else setting
        bundle = load_bundle(Path(record.path), record.marketplace, name_hint=record.name)
        out.append(_state(bundle, record.marketplace, enabled,
                          _decider(loaded, key) or "installed state", True, record.version))
    for key, on in sorted(wanted.items()):
        if key not in installed:
            name, _, mkt = key.partition("@")
            out.append(BundleState(key=key, name=name, marketplace=mkt, version=None,
                                   enabled=on, decided_by=_decider(loaded, key) or "settings",
                                   installed=False, path=None,
                                   problems=[f"{_decider(loaded, key)}: enabledPlugins.{key}: "
                                             "not installed; `corral plugin install "
                                             f"{key}` installs it"] if on else []))
    for folder in plugin_dirs(app):
        bundle = load_bundle(Path(folder), "dir")
        out.append(_state(bundle, "dir", True, "--plugin-dir", True, bundle.version))
    return out


def _state(bundle: Bundle, mkt: str, enabled: bool, decided_by: str, installed: bool,
           version: str | None) -> BundleState:
    return BundleState(
        key=bundle.key, name=bundle.name, marketplace=mkt, version=version, enabled=enabled,
        decided_by=decided_by, installed=installed, path=bundle.root,
        description=bundle.description, commands=_command_names(bundle),
        agents=[f"{bundle.name}:{p.stem}" for d in bundle.agents for p in _md(Path(d))],
        skills=[Path(d).name for folder in bundle.skills for d in _subdirs(Path(folder))],
        hooks=sum(len(groups) for _, table in bundle.hooks for groups in table.values()
                  if isinstance(groups, list)),
        mcp_servers=[server_name(bundle, name) for _, table in bundle.mcp_servers
                     for name in table],
        problems=bundle.problems)


def _md(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if path.suffix == ".md" else []
    return sorted(path.rglob("*.md")) if path.is_dir() else []


def _subdirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir()) if path.is_dir() else []


def _command_names(bundle: Bundle) -> list[str]:
    names: list[str] = []
    for item in bundle.commands:
        base = Path(item)
        for path in _md(base):
            rel = path.relative_to(base).with_suffix("") if base.is_dir() else Path(path.stem)
            names.append(":".join([bundle.name, *rel.parts]))
    return names


def active(app: App) -> list[Bundle]:
    """The bundles this run uses (read once per loaded configuration)."""
    loaded = app.loaded
    found = _CACHE.get(loaded)
    if found is not None:
        return found
    found = []
    wanted = app.config.enabled_plugins
    for key, record in sorted(store.load_installed().bundles.items()):
        if wanted.get(key, record.enabled):
            found.append(load_bundle(Path(record.path), record.marketplace,
                                     name_hint=record.name))
    found += [load_bundle(Path(folder), "dir") for folder in plugin_dirs(app)]
    _CACHE[loaded] = found
    return found


def server_name(bundle: Bundle, server: str) -> str:
    """A bundle's MCP server as the run names it: ``plugin_<bundle>_<server>``, so its
    tools are ``mcp__plugin_<bundle>_<server>__<tool>``."""
    return _UNSAFE.sub("_", f"plugin_{bundle.name}_{server}")


def command_dirs(app: App) -> list[CommandDir]:
    return [CommandDir(path=path, namespace=b.name, source=f"bundle {b.key}")
            for b in active(app) for path in b.commands]


def agent_dirs(app: App) -> list[AgentDir]:
    return [AgentDir(path=path, namespace=b.name, source=f"bundle {b.key}")
            for b in active(app) for path in b.agents]


def skill_paths(app: App) -> list[tuple[str, str]]:
    """``(folder, bundle name)`` of each enabled bundle's skill folders."""
    return [(path, b.name) for b in active(app) for path in b.skills]


def hook_sets(app: App) -> list[HookSet]:
    return [HookSet(hooks=table, source=where, plugin_root=b.root)
            for b in active(app) for where, table in b.hooks]


def mcp_sets(app: App) -> list[McpServerSet]:
    sets: list[McpServerSet] = []
    for bundle in active(app):
        for where, table in bundle.mcp_servers:
            servers: dict[str, Any] = {}
            for name, entry in table.items():
                if isinstance(entry, dict) and "command" in entry:
                    env = entry.get("env")
                    env = env if isinstance(env, dict) else {}
                    entry = {**entry, "env": {"CLAUDE_PLUGIN_ROOT": bundle.root, **env}}
                servers[server_name(bundle, str(name))] = entry
            sets.append(McpServerSet(servers=servers, source=where))
    return sets


def problems(app: App) -> list[str]:
    return [p for state in states(app) if state.enabled for p in state.problems]
