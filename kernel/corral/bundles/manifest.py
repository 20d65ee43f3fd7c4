"""One bundle folder read: its manifest, and what it brings.

``.claude-plugin/plugin.json`` (optional: without it the folder's name is the bundle's) holds
``name``, ``version``, ``description``, ``author`` and paths that add to the default folders:
``commands``, ``agents``, ``skills``, ``outputStyles`` (a path or a list of paths, relative
to the bundle), ``hooks`` and ``mcpServers`` (a path to a JSON file, an inline object, or a
list of either). Defaults: ``commands/``, ``agents/``, ``skills/``, ``output-styles/``,
``hooks/hooks.json``, ``.mcp.json``. ``${CLAUDE_PLUGIN_ROOT}`` in hook commands and MCP
configurations becomes the bundle's folder.

A problem never stops the other bundles, nor the rest of this one: it is kept as
``file:line: what`` for ``corral doctor`` and ``corral plugin list``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

from corral.bundles._json import JsonProblem, line_of, read_object

MANIFEST = Path(".claude-plugin") / "plugin.json"
ROOT_VAR = "${CLAUDE_PLUGIN_ROOT}"
#: Manifest keys naming folders or files, and their default folder.
_PATH_KEYS = {"commands": "commands", "agents": "agents", "skills": "skills",
              "outputStyles": "output-styles"}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Bundle(msgspec.Struct, kw_only=True):
    """A bundle as a run uses it."""

    name: str
    #: ``name@marketplace`` for an installed bundle, ``name@dir`` for a folder given directly.
    key: str
    root: str
    version: str | None = None
    description: str = ""
    author: str = ""
    commands: list[str] = msgspec.field(default_factory=list)
    agents: list[str] = msgspec.field(default_factory=list)
    skills: list[str] = msgspec.field(default_factory=list)
    output_styles: list[str] = msgspec.field(default_factory=list)
    #: Hook tables in Claude Code's shape (``{Event: [{matcher, hooks}]}``), each with the
    #: file it came from; ``${CLAUDE_PLUGIN_ROOT}`` already replaced.
    hooks: list[tuple[str, dict[str, Any]]] = msgspec.field(default_factory=list)
    #: MCP server entries by name, each with the file it came from (root replaced).
    mcp_servers: list[tuple[str, dict[str, Any]]] = msgspec.field(default_factory=list)
    #: ``file:line: what`` for everything that could not be used.
    problems: list[str] = msgspec.field(default_factory=list)


def expand_root(value: Any, root: str) -> Any:
    """``value`` with ``${CLAUDE_PLUGIN_ROOT}`` replaced by ``root`` in every string."""
    if isinstance(value, str):
        return value.replace(ROOT_VAR, root)
    if isinstance(value, list):
        return [expand_root(v, root) for v in value]
    if isinstance(value, dict):
        return {k: expand_root(v, root) for k, v in value.items()}
    return value


def read_manifest(root: Path) -> tuple[dict[str, Any], bytes, Path]:
    """The manifest of ``root`` (``{}`` when it has none), its bytes and its path."""
    path = root / MANIFEST
    if not path.is_file():
        return {}, b"", path
    doc, raw = read_object(path)
    return doc, raw, path


class _Reader:
    def __init__(self, root: Path, source: Path, raw: bytes, bundle: Bundle) -> None:
        self.root = root
        self.source = source
        self.raw = raw
        self.bundle = bundle

    def problem(self, key: str, text: str) -> None:
        self.bundle.problems.append(f"{self.source}:{line_of(self.raw, key)}: {key}: {text}")

    def inside(self, key: str, rel: Any) -> Path | None:
        if not isinstance(rel, str) or not rel.strip():
            self.problem(key, f"expected a relative path such as \"./{key}\", got {rel!r}")
            return None
        target = (self.root / rel).resolve()
        if Path(rel).is_absolute() or not target.is_relative_to(self.root.resolve()):
            self.problem(key, f"{rel!r} is outside the bundle; paths are relative to it")
            return None
        if not target.exists():
            self.problem(key, f"{rel!r} does not exist in {self.root}")
            return None
        return target

    def paths(self, doc: dict[str, Any], key: str, default: str) -> list[str]:
        found: list[str] = []
        if (self.root / default).is_dir():
            found.append(str(self.root / default))
        value = doc.get(key)
        for rel in value if isinstance(value, list) else ([] if value is None else [value]):
            target = self.inside(key, rel)
            if target is not None and str(target) not in found:
                found.append(str(target))
        return found

    def tables(self, doc: dict[str, Any], key: str, default: str,
               unwrap: str) -> list[tuple[str, dict[str, Any]]]:
        """Hook or MCP tables: the default file, then each path or inline object of ``key``."""
        out: list[tuple[str, dict[str, Any]]] = []
        root = str(self.root)
        items: list[Any] = []
        if (self.root / default).is_file():
            items.append(self.root / default)
        value = doc.get(key)
        items += value if isinstance(value, list) else ([] if value is None else [value])
        seen: set[Path] = set()
        for item in items:
            if isinstance(item, dict):
                table, where = item, f"{self.source} ({key})"
            else:
                target = item if isinstance(item, Path) else self.inside(key, item)
                if target is None or target.resolve() in seen:
                    continue
                seen.add(target.resolve())
                try:
                    table, _ = read_object(target)
                except JsonProblem as exc:
                    self.bundle.problems.append(str(exc))
                    continue
                where = str(target)
            inner = table.get(unwrap)
            if isinstance(inner, dict):
                table = inner
            out.append((where, expand_root(table, root)))
        return out


def _author(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("email") or "")
    return str(value or "")


def load_bundle(root: Path, key_suffix: str, entry: dict[str, Any] | None = None, *,
                name_hint: str | None = None) -> Bundle:
    """Read the bundle in ``root``. ``entry`` is its marketplace entry: its fields fill in
    what the manifest leaves out (for a bundle without a manifest, they are the manifest).
    ``name_hint`` (the installed name) stands in when the manifest gives no usable name."""
    root = root.resolve()
    fallback = name_hint or root.name
    if not root.is_dir():
        bundle = Bundle(name=fallback, key=f"{fallback}@{key_suffix}", root=str(root))
        bundle.problems.append(f"{root}:1: the bundle's folder is missing (reinstall it)")
        return bundle
    try:
        doc, raw, source = read_manifest(root)
    except JsonProblem as exc:
        bundle = Bundle(name=fallback, key=f"{fallback}@{key_suffix}", root=str(root))
        bundle.problems.append(str(exc))
        return bundle
    merged = {**(entry or {}), **doc}
    name = merged.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problem = (f"{source}:{line_of(raw, 'name')}: name: {name!r} is not a bundle name "
                   "(letters, digits, '.', '_', '-')") if name is not None else None
        name = fallback
        bundle = Bundle(name=name, key=f"{name}@{key_suffix}", root=str(root))
        if problem:
            bundle.problems.append(problem)
    else:
        bundle = Bundle(name=name, key=f"{name}@{key_suffix}", root=str(root))
    version = merged.get("version")
    bundle.version = str(version) if version is not None else None
    bundle.description = str(merged.get("description") or "")
    bundle.author = _author(merged.get("author"))
    reader = _Reader(root, source, raw, bundle)
    bundle.commands = reader.paths(merged, "commands", _PATH_KEYS["commands"])
    bundle.agents = reader.paths(merged, "agents", _PATH_KEYS["agents"])
    bundle.skills = reader.paths(merged, "skills", _PATH_KEYS["skills"])
    bundle.output_styles = reader.paths(merged, "outputStyles", _PATH_KEYS["outputStyles"])
    bundle.hooks = reader.tables(merged, "hooks", "hooks/hooks.json", "hooks")
    bundle.mcp_servers = reader.tables(merged, "mcpServers", ".mcp.json", "mcpServers")
    return bundle
