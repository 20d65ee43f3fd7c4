"""Claude Code ``settings.json`` read as Claude Code reads it, translated to corral's shape.

Every documented key and value form is accepted. What corral uses is translated
(``permissions``, ``sandbox``, ``hooks``, ``env``, ``model``, ``includeCoAuthoredBy``, ``attribution``,
``allowManagedPermissionRulesOnly``, ``allowManagedHooksOnly``, ``enabledPlugins``,
``extraKnownMarketplaces``); every other key is left to
Claude Code and listed as not used (``corral doctor``). An unknown key inside
``permissions`` is a warning, never a refusal. A value corral cannot accept is an error
that names the key as written in the file, with its line and column. corral's own TOML
files stay strict; this leniency is for Claude Code's files only.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from corral.errors import ConfigError
from corral.sandbox.settings import from_claude

#: Claude Code ``permissions`` keys and their corral names.
PERMISSION_KEYS = {
    "allow": "allow",
    "ask": "ask",
    "deny": "deny",
    "defaultMode": "default_mode",
    "additionalDirectories": "additional_directories",
    "disableBypassPermissionsMode": "disable_bypass_mode",
}
#: Top-level keys corral copies unchanged.
_COPIED = ("hooks",)
#: Top-level locks, and the ``permissions`` key corral keeps them under.
_LOCKS = {
    "allowManagedPermissionRulesOnly": "managed_rules_only",
    "allowManagedHooksOnly": "managed_hooks_only",
}
#: Claude Code keys the kernel leaves to a plugin of corral's, and which one reads them.
PLUGIN_KEYS = {
    "enableAllProjectMcpServers": "mcp",
    "enabledMcpjsonServers": "mcp",
    "disabledMcpjsonServers": "mcp",
}
#: Plugin bundle keys (docs/bundles.md), kept as written under corral's names.
_BUNDLE_KEYS = {"enabledPlugins": "enabled_plugins",
                "extraKnownMarketplaces": "extra_known_marketplaces"}
_MODES = {"default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"}
#: Claude Code's mode names with no corral mode of their own, and what they mean here.
_MODE_ALIASES = {"auto": "default"}


class Translated(msgspec.Struct, kw_only=True):
    """A settings file in corral's shape, and what was left unused along the way."""

    data: dict[str, Any]
    #: Keys corral ignores, as ``key: why`` lines (``corral doctor`` lists them).
    unused: list[str]
    #: Problems worth a warning at start (an unknown ``permissions`` key).
    warnings: list[str]


def position(raw: bytes, *keys: str) -> str:
    """`` (line L, column C)`` of the last of ``keys`` (nested object keys, each searched
    after the previous one) in the JSON text ``raw``; empty when it cannot be found."""
    text = raw.decode("utf-8", "replace")
    at = 0
    for key in keys:
        found = re.compile(r'"' + re.escape(key) + r'"\s*:').search(text, at)
        if found is None:
            return ""
        at = found.start()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return f" (line {line}, column {column})"


class _Reader:
    def __init__(self, raw: bytes, source: str) -> None:
        self.raw = raw
        self.source = source
        self.unused: list[str] = []
        self.warnings: list[str] = []

    def error(self, problem: str, *keys: str) -> ConfigError:
        return ConfigError(self.source, ".".join(keys), problem + position(self.raw, *keys))

    def strings(self, value: Any, *keys: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error("expected a list of strings", *keys)
        return list(value)

    def permissions(self, perms: Any) -> dict[str, Any]:
        if not isinstance(perms, dict):
            raise self.error("expected an object", "permissions")
        out: dict[str, Any] = {}
        for key, value in perms.items():
            if key not in PERMISSION_KEYS:
                import difflib  # only for a key corral does not know

                close = difflib.get_close_matches(key, list(PERMISSION_KEYS), n=1)
                hint = (f"did you mean {close[0]!r}?" if close
                        else f"known: {', '.join(sorted(PERMISSION_KEYS))}")
                self.warnings.append(
                    f"{self.source}: permissions.{key}: not a permissions key corral knows "
                    f"({hint}); ignored{position(self.raw, 'permissions', key)}")
                continue
            if key in ("allow", "ask", "deny", "additionalDirectories"):
                out[PERMISSION_KEYS[key]] = self.strings(value, "permissions", key)
            elif key == "defaultMode":
                mode = self.mode(value)
                if mode is not None:
                    out["default_mode"] = mode
            else:
                out["disable_bypass_mode"] = self.bypass_lock(value)
        return out

    def mode(self, value: Any) -> str | None:
        if value in _MODES:
            return str(value)
        if value in _MODE_ALIASES:
            return _MODE_ALIASES[value]
        where = position(self.raw, "permissions", "defaultMode")
        self.warnings.append(
            f"{self.source}: permissions.defaultMode: {value!r} is not a mode corral has "
            f"({', '.join(sorted(_MODES))}); the default mode applies{where}")
        return None

    def bypass_lock(self, value: Any) -> bool:
        # "disable" is the documented value; corral's own files use a boolean
        if value == "disable" or value is True:
            return True
        if value is False or value is None:
            return False
        raise self.error(f'expected "disable" (got {value!r})',
                         "permissions", "disableBypassPermissionsMode")

    def env(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.error("expected an object of variable names to strings", "env")
        out: dict[str, str] = {}
        for name, item in value.items():
            if isinstance(item, bool):
                out[name] = "true" if item else "false"
            elif isinstance(item, str | int | float):
                out[name] = str(item)
            else:
                raise self.error("expected a string", "env", name)
        return out

    def status_line(self, value: Any) -> dict[str, Any] | None:
        """``statusLine``: ``{"type": "command", "command": ..., "padding": n}``; one corral
        cannot run is a warning and no status line, never a refusal."""
        def skip(problem: str, *keys: str) -> None:
            self.warnings.append(f"{self.source}: {'.'.join(('statusLine', *keys))}: "
                                 f"{problem}; no status line"
                                 f"{position(self.raw, 'statusLine', *keys)}")

        if not isinstance(value, dict):
            skip('expected {"type": "command", "command": "..."}')
            return None
        kind = value.get("type", "command")
        if kind != "command":
            skip(f"corral runs command status lines only (got {kind!r})", "type")
            return None
        command = value.get("command")
        if not isinstance(command, str) or not command.strip():
            skip("expected a non-empty shell command", "command")
            return None
        padding = value.get("padding", 0)
        if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
            self.warnings.append(f"{self.source}: statusLine.padding: expected a number of "
                                 f"spaces (got {padding!r}); 0 is used"
                                 f"{position(self.raw, 'statusLine', 'padding')}")
            padding = 0
        extra = sorted(k for k in value if k not in ("type", "command", "padding"))
        if extra:
            self.unused.append(f"{self.source}: statusLine.{', statusLine.'.join(extra)}: "
                               "not used by corral")
        return {"type": "command", "command": command, "padding": padding}
    def bundle_table(self, key: str, table: dict[str, Any]) -> dict[str, Any]:
        """``enabledPlugins`` (values true/false) or ``extraKnownMarketplaces`` (objects);
        an entry of another shape is warned about and left out."""
        out: dict[str, Any] = {}
        kind = bool if key == "enabledPlugins" else dict
        for name, value in table.items():
            if isinstance(value, kind):
                out[str(name)] = value
            else:
                expected = "true or false" if kind is bool else "an object with `source`"
                self.warnings.append(f"{self.source}: {key}.{name}: expected {expected}; "
                                     f"ignored{position(self.raw, key, str(name))}")
        return out

    def attribution(self, doc: dict[str, Any]) -> str | None:
        """corral's commit trailer from ``attribution.commit`` or ``includeCoAuthoredBy``."""
        chosen: str | None = None
        if "includeCoAuthoredBy" in doc:
            value = doc["includeCoAuthoredBy"]
            if not isinstance(value, bool):
                raise self.error("expected true or false", "includeCoAuthoredBy")
            if not value:
                chosen = ""
        table = doc.get("attribution")
        if table is not None:
            if not isinstance(table, dict):
                raise self.error("expected an object with `commit` and `pr`", "attribution")
            commit = table.get("commit")
            if commit is not None and not isinstance(commit, str):
                raise self.error("expected a string", "attribution", "commit")
            if commit is not None:
                chosen = commit
            if "pr" in table:
                self.unused.append(f"{self.source}: attribution.pr: not used by corral")
        return chosen


def translate(raw: bytes, source: str) -> Translated:
    """Decode a Claude Code settings file and translate what corral uses."""
    try:
        doc = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise ConfigError(source, "", f"invalid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ConfigError(source, "", "expected a JSON object at the top level")
    reader = _Reader(raw, source)
    data: dict[str, Any] = {}
    used: set[str] = {"includeCoAuthoredBy", "attribution", *_LOCKS, *_COPIED}
    if doc.get("permissions") is not None:
        data["permissions"] = reader.permissions(doc["permissions"])
    used.add("permissions")
    for key, lock in _LOCKS.items():
        if key in doc:
            if not isinstance(doc[key], bool):
                raise reader.error("expected true or false", key)
            data.setdefault("permissions", {})[lock] = doc[key]
    for key in _COPIED:
        if key in doc:
            data[key] = doc[key]
    if "env" in doc:
        data["env"] = reader.env(doc["env"])
        used.add("env")
    if "model" in doc:
        if not isinstance(doc["model"], str):
            raise reader.error("expected a model name or alias", "model")
        data["model"] = doc["model"]
        used.add("model")
    if "outputStyle" in doc:
        style = doc["outputStyle"]
        if not isinstance(style, str) or not style.strip():
            raise reader.error("expected the name of an output style", "outputStyle")
        data["output_style"] = style.strip()
        used.add("outputStyle")
    if "statusLine" in doc:
        line = reader.status_line(doc["statusLine"])
        if line is not None:
            data["status_line"] = line
        used.add("statusLine")
    if "cleanupPeriodDays" in doc:
        days = doc["cleanupPeriodDays"]
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise reader.error("expected a whole number of days (0 or more)",
                               "cleanupPeriodDays")
        data["cleanup_period_days"] = days
        used.add("cleanupPeriodDays")
    if "apiKeyHelper" in doc:
        helper = doc["apiKeyHelper"]
        if not isinstance(helper, str) or not helper.strip():
            raise reader.error("expected a shell command that prints the API key",
                               "apiKeyHelper")
        data.setdefault("api", {})["key_helper"] = helper
        used.add("apiKeyHelper")
    for key, field in _BUNDLE_KEYS.items():
        if key in doc:
            if not isinstance(doc[key], dict):
                raise reader.error("expected an object", key)
            data[field] = reader.bundle_table(key, doc[key])
            used.add(key)
    if "sandbox" in doc:
        data["sandbox"] = from_claude(doc["sandbox"], source, reader.warnings,
                                      lambda *keys: position(raw, *keys))
        used.add("sandbox")
    trailer = reader.attribution(doc)
    if trailer is not None:
        data["attribution"] = trailer
    for key in doc:
        if key in PLUGIN_KEYS:
            reader.unused.append(f"{source}: {key}: read by the {PLUGIN_KEYS[key]} plugin "
                                 "only (not used when it is off)")
        elif key not in used and key != "$schema":
            reader.unused.append(f"{source}: {key}: not used by corral")
    return Translated(data=data, unused=reader.unused, warnings=reader.warnings)
