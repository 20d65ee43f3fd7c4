"""Which command hooks are configured: ``hooks.<Event>[] = {matcher, hooks: [...]}``.

The hooks come from every configuration layer (corral TOML and Claude Code ``settings.json``
alike), in layer order, each with the file it came from. Under the managed lock
``managed_hooks_only`` only the managed policy's hooks count. A malformed entry is reported
with its file and position and skipped; the other hooks still load.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from corral.cmdhooks._match import matcher_is_valid

if TYPE_CHECKING:
    from corral.config.layers import Layer
    from corral.config.loader import LoadedConfig
    from corral.session import Session

#: The events corral fires, in Claude Code's names.
EVENTS: tuple[str, ...] = (
    "PreToolUse",
    "PostToolUse",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "SessionStart",
    "SessionEnd",
    "PreCompact",
    "Notification",
)
#: Seconds a hook may run before its process group is killed.
DEFAULT_TIMEOUT_S = 60.0
#: Hook tables by loaded configuration (dropped with it).
_TABLES: weakref.WeakKeyDictionary[LoadedConfig, HookTable] = weakref.WeakKeyDictionary()


class HookCommand(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One entry of a group's ``hooks`` list."""

    type: Literal["command"]
    command: str
    #: Seconds; the default is :data:`DEFAULT_TIMEOUT_S`.
    timeout: float | None = None


class ConfiguredHook(msgspec.Struct, frozen=True, kw_only=True):
    """A hook command with the event and matcher of its group and the file it came from."""

    event: str
    matcher: str
    command: str
    timeout: float
    source: str


class HookTable(msgspec.Struct, frozen=True, kw_only=True):
    """Every configured hook by event, and the problems found while reading them."""

    hooks: dict[str, list[ConfiguredHook]]
    errors: list[str]
    managed_only: bool = False

    def for_event(self, event: str) -> list[ConfiguredHook]:
        return self.hooks.get(event, [])


def managed_hooks_only(layers: Iterable[Layer]) -> bool:
    """Whether the managed policy sets the ``managed_hooks_only`` lock."""
    for layer in layers:
        if layer.name == "managed":
            perms = layer.data.get("permissions") or {}
            if bool(perms.get("managed_hooks_only", False)):
                return True
    return False


def read_hooks(layers: Iterable[Layer]) -> HookTable:
    """Collect the hooks of ``layers`` (only the managed layer's under the lock)."""
    layers = list(layers)
    locked = managed_hooks_only(layers)
    table: dict[str, list[ConfiguredHook]] = {}
    errors: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for layer in layers:
        if locked and layer.name != "managed":
            continue
        section = layer.data.get("hooks")
        if not section:
            continue
        if not isinstance(section, dict):
            errors.append(f"{layer.source}: hooks: expected a table of events")
            continue
        for event, groups in section.items():
            for hook in _read_event(layer.source, str(event), groups, errors):
                key = (hook.event, hook.matcher, hook.command)
                if key not in seen:  # the merged configuration holds each item once, too
                    seen.add(key)
                    table.setdefault(hook.event, []).append(hook)
    return HookTable(hooks=table, errors=errors, managed_only=locked)


def _read_event(source: str, event: str, groups: Any, errors: list[str]) -> list[ConfiguredHook]:
    where = f"{source}: hooks.{event}"
    if event not in EVENTS:
        errors.append(f"{where}: unknown hook event (known events: {', '.join(EVENTS)}); "
                      "its hooks are skipped")
        return []
    if not isinstance(groups, list):
        errors.append(f"{where}: expected a list of {{matcher, hooks}} groups")
        return []
    found: list[ConfiguredHook] = []
    for i, group in enumerate(groups):
        if not isinstance(group, dict):
            errors.append(f"{where}[{i}]: expected a table with `matcher` and `hooks`")
            continue
        unknown = sorted(set(group) - {"matcher", "hooks"})
        if unknown:
            errors.append(f"{where}[{i}]: unknown key(s) {', '.join(unknown)}; "
                          "a group has only `matcher` and `hooks`")
            continue
        matcher = group.get("matcher", "")
        entries = group.get("hooks")
        if not isinstance(matcher, str) or not isinstance(entries, list):
            errors.append(f"{where}[{i}]: `matcher` must be a string and `hooks` a list")
            continue
        if not matcher_is_valid(matcher):
            errors.append(f"{where}[{i}]: matcher {matcher!r} is not a valid regular "
                          "expression; this group is skipped")
            continue
        for j, entry in enumerate(entries):
            try:
                command = msgspec.convert(entry, HookCommand)
            except msgspec.ValidationError as exc:
                errors.append(f"{where}[{i}].hooks[{j}]: {exc} (a hook is "
                              '{type = "command", command = "...", timeout = seconds}); '
                              "this hook is skipped")
                continue
            if command.timeout is not None and command.timeout <= 0:
                errors.append(f"{where}[{i}].hooks[{j}]: timeout must be a positive number "
                              "of seconds; this hook is skipped")
                continue
            found.append(ConfiguredHook(
                event=event, matcher=matcher, command=command.command,
                timeout=command.timeout or DEFAULT_TIMEOUT_S, source=source,
            ))
    return found


def hook_table(session: Session) -> HookTable:
    """The hook table of the session's configuration, read once per loaded configuration
    (sub-agent sessions share it); its problems are warned about once."""
    loaded = session.app.loaded
    table = _TABLES.get(loaded)
    if table is None:
        table = read_hooks(loaded.layers)
        for error in table.errors:
            session.hooks.warn(f"corral: warning: {error}")
        _TABLES[loaded] = table
    return table
