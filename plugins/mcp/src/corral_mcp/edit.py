"""``corral mcp add`` / ``add-json`` / ``remove``: writing server entries where Claude Code
keeps them (``.mcp.json``, or ``~/.claude.json`` for the local and user scopes), leaving every
other key of those files as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from corral.api import UsageError, project_root, write_atomic

from corral_mcp.config import Servers, _Bad, claude_json_path, parse_server, read_json


def entry_from_args(name: str, target: list[str], transport: str | None, env: list[str],
                    headers: list[str]) -> dict[str, Any]:
    words = [w for w in target if w != "--"] if target[:1] == ["--"] else list(target)
    if not words:
        raise UsageError(f"corral mcp add {name}: give a command (after --) or a URL")
    kind = transport or ("http" if words[0].startswith(("http://", "https://")) and
                         len(words) == 1 else "stdio")
    entry: dict[str, Any] = {"type": kind}
    if kind == "stdio":
        entry["command"], entry["args"] = words[0], words[1:]
        if env:
            pairs = [e.partition("=") for e in env]
            if any(not sep for _, sep, _ in pairs):
                raise UsageError("--env takes KEY=VALUE")
            entry["env"] = {k: v for k, _, v in pairs}
    else:
        if len(words) != 1:
            raise UsageError(f"corral mcp add {name}: an {kind} server takes one URL")
        entry["url"] = words[0]
        if headers:
            pairs = [h.partition(":") for h in headers]
            if any(not sep for _, sep, _ in pairs):
                raise UsageError("--header takes 'Name: value'")
            entry["headers"] = {k.strip(): v.strip() for k, _, v in pairs}
    return entry


def _file(cwd: Path, scope: str) -> Path:
    return project_root(cwd) / ".mcp.json" if scope == "project" else claude_json_path()


def _load(path: Path) -> dict[str, Any]:
    problems = Servers()
    doc = read_json(path, problems)
    if problems.problems:
        raise UsageError(f"not changing {path}: {problems.problems[0].message}")
    return dict(doc or {})


def _servers(doc: dict[str, Any], cwd: Path, scope: str, create: bool) -> dict[str, Any] | None:
    holder = doc
    if scope == "local":
        projects = doc.setdefault("projects", {}) if create else doc.get("projects", {})
        key = str(project_root(cwd))
        if key not in projects and not create:
            return None
        holder = projects.setdefault(key, {})
    if "mcpServers" not in holder and not create:
        return None
    table: dict[str, Any] = holder.setdefault("mcpServers", {})
    return table


def _write(path: Path, doc: dict[str, Any]) -> None:
    write_atomic(path, msgspec.json.format(msgspec.json.encode(doc), indent=2) + b"\n",
                 mode=0o600 if path.name == ".claude.json" else None)


def add(cwd: Path, scope: str, name: str, entry: Any) -> Path:
    try:  # check it as a run would read it (no environment needed for ${VAR} here)
        parse_server(name, entry, scope="cli", source="", environ=_AnyEnv())
    except _Bad as bad:
        raise UsageError(f"corral mcp add {name}: {bad.key}: {bad.message}") from None
    path = _file(cwd, scope)
    doc = _load(path)
    table = _servers(doc, cwd, scope, create=True)
    assert table is not None
    if name in table:
        raise UsageError(f"an MCP server named {name!r} is already in {path} ({scope} scope); "
                         "remove it first")
    table[name] = entry
    _write(path, doc)
    return path


def remove(cwd: Path, scope: str | None, name: str) -> Path:
    for each in ([scope] if scope else ["local", "project", "user"]):
        path = _file(cwd, each)
        doc = _load(path)
        table = _servers(doc, cwd, each, create=False)
        if table is not None and name in table:
            del table[name]
            _write(path, doc)
            return path
    raise UsageError(f"no MCP server named {name!r} in the {scope or 'local, project or user'} "
                     "scope")


class _AnyEnv(dict[str, str]):
    """An environment where every variable is set, to check an entry's shape only."""

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return "x"
