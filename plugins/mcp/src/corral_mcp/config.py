"""Which MCP servers a run has: every scope read, expanded and checked (no SDK import here).

Scopes, as Claude Code keeps them: ``project`` (``.mcp.json`` at the project root, shared
through the repository), ``local`` (``projects[<root>].mcpServers`` in ``~/.claude.json``,
private to this project), ``user`` (the top-level ``mcpServers`` of ``~/.claude.json``, and
``[plugins.mcp.servers]`` in corral's own config), ``cli`` (``--mcp-config``), and ``plugin``
(servers other plugins add through ``corral_mcp_servers``: enabled plugin bundles' ``.mcp.json``).
On a name clash the narrower scope wins: cli, then local, then project, then user, then plugin.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec
from corral.api import project_root

Scope = Literal["plugin", "user", "project", "local", "cli"]
Transport = Literal["stdio", "http", "sse"]

#: Names Claude Code gives the transports, and ours.
_TYPES: dict[str, Transport] = {"stdio": "stdio", "http": "http", "streamable-http": "http",
                                "streamableHttp": "http", "sse": "sse"}
_KNOWN_KEYS = {"type", "command", "args", "env", "cwd", "url", "headers", "oauth", "timeout"}
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ServerConfig(msgspec.Struct, kw_only=True, frozen=True):
    """One server, as configured, with ``${VAR}`` already expanded."""

    name: str
    scope: Scope
    #: The file (and key) it came from.
    source: str
    transport: Transport
    command: str = ""
    args: list[str] = msgspec.field(default_factory=list)
    env: dict[str, str] = msgspec.field(default_factory=dict)
    cwd: str = ""
    url: str = ""
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    #: The entry as written, for ``corral mcp get`` (never expanded: no secrets from env).
    raw: dict[str, Any] = msgspec.field(default_factory=dict)


class Problem(msgspec.Struct, kw_only=True, frozen=True):
    """A server entry that could not be used, and why; the other servers still load."""

    source: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.key}: {self.message}"


class Servers(msgspec.Struct, kw_only=True):
    servers: dict[str, ServerConfig] = msgspec.field(default_factory=dict)
    problems: list[Problem] = msgspec.field(default_factory=list)


class _Bad(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def claude_json_path() -> Path:
    """Claude Code's per-user state file that holds user- and local-scope servers."""
    override = os.environ.get("CLAUDE_CONFIG_DIR")
    if override:
        return Path(override).expanduser() / ".claude.json"
    return Path.home() / ".claude.json"


def expand(text: str, environ: Mapping[str, str], key: str) -> str:
    """``${VAR}`` and ``${VAR:-default}``; an unset variable without a default is an error."""

    def one(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = environ.get(name)
        if value is None or (value == "" and default is not None):
            if default is None:
                raise _Bad(key, f"environment variable {name} is not set (write ${{{name}:-default}} "
                           "to give a default)")
            return default
        return value

    return _VAR.sub(one, text)


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(key, "expected a list of strings")
    return list(value)


def _table(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Bad(key, "expected an object of string values")
    return dict(value)


def parse_server(
    name: str, entry: Any, *, scope: Scope, source: str, environ: Mapping[str, str],
    prefix: str = "mcpServers",
) -> ServerConfig:
    """One ``mcpServers`` entry; raises :class:`_Bad` naming the key that is wrong."""
    key = f"{prefix}.{name}"
    if not _NAME.match(name):
        raise _Bad(key, "a server name may hold only letters, digits, '_' and '-'")
    if not isinstance(entry, dict):
        raise _Bad(key, "expected an object")
    kind = entry.get("type")
    if kind is None:
        kind = "stdio" if "command" in entry else ("http" if "url" in entry else None)
    if kind not in _TYPES:
        raise _Bad(f"{key}.type", f"unknown transport {kind!r} (known: stdio, http, sse)"
                   if kind is not None else "give a command (stdio) or a url (http, sse)")
    transport = _TYPES[kind]

    def text(field: str) -> str:
        value = entry.get(field, "")
        if not isinstance(value, str):
            raise _Bad(f"{key}.{field}", "expected a string")
        return expand(value, environ, f"{key}.{field}")

    args = [expand(a, environ, f"{key}.args") for a in _strings(entry.get("args", []), f"{key}.args")]
    env = {k: expand(v, environ, f"{key}.env.{k}")
           for k, v in _table(entry.get("env", {}), f"{key}.env").items()}
    headers = {k: expand(v, environ, f"{key}.headers.{k}")
               for k, v in _table(entry.get("headers", {}), f"{key}.headers").items()}
    command, url = text("command"), text("url")
    if transport == "stdio" and not command:
        raise _Bad(f"{key}.command", "a stdio server needs a command")
    if transport != "stdio" and not url:
        raise _Bad(f"{key}.url", f"an {transport} server needs a url")
    return ServerConfig(
        name=name, scope=scope, source=source, transport=transport, command=command, args=args,
        env=env, cwd=text("cwd"), url=url, headers=headers, raw=dict(entry),
    )


def parse_servers(
    table: Any, *, scope: Scope, source: str, environ: Mapping[str, str], into: Servers,
    prefix: str = "mcpServers",
) -> None:
    """Every entry of an ``mcpServers`` object into ``into``; bad ones become problems."""
    if table is None:
        return
    if not isinstance(table, dict):
        into.problems.append(Problem(source=source, key=prefix, message="expected an object"))
        return
    for name, entry in table.items():
        try:
            server = parse_server(name, entry, scope=scope, source=source, environ=environ,
                                  prefix=prefix)
        except _Bad as bad:
            into.problems.append(Problem(source=source, key=bad.key, message=bad.message))
            continue
        unknown = sorted(set(entry) - _KNOWN_KEYS)
        if unknown:
            into.problems.append(Problem(
                source=source, key=f"{prefix}.{name}",
                message=f"ignored unknown key(s) {', '.join(unknown)}; the server still loads"))
        into.servers[name] = server


def read_json(path: Path, into: Servers) -> dict[str, Any] | None:
    """A JSON object from ``path``; ``None`` when it is missing or broken (then a problem)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        into.problems.append(Problem(source=str(path), key="", message=f"cannot read: {exc}"))
        return None
    try:
        doc = msgspec.json.decode(raw) if raw.strip() else {}
    except msgspec.DecodeError as exc:
        into.problems.append(Problem(source=str(path), key="", message=f"invalid JSON: {exc}"))
        return None
    if not isinstance(doc, dict):
        into.problems.append(Problem(source=str(path), key="", message="expected a JSON object"))
        return None
    return doc


def local_entry(doc: dict[str, Any] | None, root: Path) -> dict[str, Any]:
    """This project's entry in ``~/.claude.json`` (``projects[<root>]``), or ``{}``."""
    projects = (doc or {}).get("projects")
    if not isinstance(projects, dict):
        return {}
    entry = projects.get(str(root))
    return entry if isinstance(entry, dict) else {}


def load_servers(
    cwd: Path, *, environ: Mapping[str, str], corral_servers: Mapping[str, Any],
    cli_configs: list[str], strict: bool, plugin_sets: Sequence[Any] = (),
) -> Servers:
    """Every configured server for a run in ``cwd``, narrowest scope winning on a clash."""
    root = project_root(cwd)
    out = Servers()
    cli = Servers(problems=out.problems)
    for item in cli_configs:
        text = item.strip()
        if text.startswith("{"):
            try:
                doc: Any = msgspec.json.decode(text.encode())
            except msgspec.DecodeError as exc:
                out.problems.append(Problem(source="--mcp-config", key="",
                                            message=f"invalid JSON: {exc}"))
                continue
            source = "--mcp-config"
        else:
            path = Path(item).expanduser()
            if not path.is_absolute():
                path = cwd / path
            doc = read_json(path, out)
            source = str(path)
            if doc is None:
                if not path.exists():
                    out.problems.append(Problem(source=str(path), key="",
                                                message="--mcp-config file not found"))
                continue
        if not isinstance(doc, dict):
            out.problems.append(Problem(source=source, key="", message="expected a JSON object"))
            continue
        parse_servers(doc.get("mcpServers"), scope="cli", source=source, environ=environ,
                      into=cli)
    if strict:
        out.servers = cli.servers
        return out
    layers: list[Servers] = []
    contributed = Servers(problems=out.problems)
    for item in plugin_sets:  # corral.api.McpServerSet
        parse_servers(item.servers, scope="plugin", source=item.source, environ=environ,
                      into=contributed)
    layers.append(contributed)
    user = Servers(problems=out.problems)
    parse_servers(dict(corral_servers), scope="user", source="corral config", environ=environ,
                  into=user, prefix="plugins.mcp.servers")
    claude = read_json(claude_json_path(), out)
    source = str(claude_json_path())
    if claude is not None:
        parse_servers(claude.get("mcpServers"), scope="user", source=source, environ=environ,
                      into=user)
    layers.append(user)
    project = Servers(problems=out.problems)
    mcp_json = root / ".mcp.json"
    doc = read_json(mcp_json, out)
    if doc is not None:
        parse_servers(doc.get("mcpServers"), scope="project", source=str(mcp_json),
                      environ=environ, into=project)
    layers.append(project)
    local = Servers(problems=out.problems)
    parse_servers(local_entry(claude, root).get("mcpServers"), scope="local", source=source,
                  environ=environ, into=local, prefix=f"projects[{root}].mcpServers")
    layers.append(local)
    layers.append(cli)
    for layer in layers:
        out.servers.update(layer.servers)
    return out
