"""Which command hooks are configured: ``hooks.<Event>[] = {matcher, hooks: [...]}``.

The hooks come from every configuration layer (corral TOML and Claude Code ``settings.json``
alike), in layer order, each with the file it came from. Under the managed lock
``managed_hooks_only`` only the managed policy's hooks count.

Hooks never fail open. Fields corral does not know are ignored (the hook runs) and listed
as :attr:`HookTable.unused`. An entry corral cannot run at all (malformed, a type corral
does not run, a matcher that does not compile, no command …) becomes a
:class:`BrokenHook`: the tool calls it could have matched ask instead of running unguarded,
and ``corral doctor`` reports it with its file and place.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec

from corral.cmdhooks._match import matcher_is_valid, matches
from corral.cmdhooks.presence import gives_hooks, plugin_hook_sets
from corral.permissions.rules import RuleError, parse_rule

if TYPE_CHECKING:
    from corral.config.layers import Layer
    from corral.config.loader import LoadedConfig
    from corral.extra_config import HookSet
    from corral.session import Session

#: The events corral fires, in Claude Code's names.
EVENTS: tuple[str, ...] = (
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "PermissionRequest",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "SubagentStart",
    "SessionStart",
    "SessionEnd",
    "PreCompact",
    "Notification",
    "Setup",
)
#: Events whose hooks are matched against a tool name: a broken entry there makes the tool
#: calls it matches ask.
TOOL_EVENTS: frozenset[str] = frozenset(
    {"PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest"})
#: Claude Code events corral knows of but does not fire: their hooks are listed as not used.
UNFIRED_EVENTS: frozenset[str] = frozenset({
    "PostToolUseFailure", "PermissionRequest", "SubagentStart", "Setup", "PostCompact",
    "StopFailure", "InstructionsLoaded", "ConfigChange", "WorktreeCreate", "WorktreeRemove",
    "TeammateIdle", "TaskCompleted", "TaskCreated", "Elicitation", "ElicitationResult",
    "UserPromptExpansion", "CwdChanged", "FileChanged", "PermissionDenied",
})
#: The hook types corral runs, and what each runs.
HOOK_TYPES: tuple[str, ...] = ("command", "http", "prompt", "agent")
_TARGET = {"command": "command", "http": "url", "prompt": "prompt", "agent": "prompt"}
#: Seconds each type of hook may run before it is stopped, unless its ``timeout`` says.
DEFAULT_TIMEOUTS = {"command": 60.0, "http": 30.0, "prompt": 30.0, "agent": 60.0}
_COMMON_FIELDS = frozenset({"type", "timeout", "if", "statusMessage", "once"})
#: Fields of a hook entry corral reads, by type; others are ignored and the hook still runs.
_ENTRY_FIELDS = {
    "command": _COMMON_FIELDS | {"command", "async"},
    "http": _COMMON_FIELDS | {"url", "headers", "allowedEnvVars"},
    "prompt": _COMMON_FIELDS | {"prompt", "model"},
    "agent": _COMMON_FIELDS | {"prompt", "model"},
}
_SHAPE = ('(a hook is {"type": "command", "command": "..."}, {"type": "http", "url": "..."} '
          'or {"type": "prompt" or "agent", "prompt": "..."})')
_GROUP_FIELDS = frozenset({"matcher", "hooks"})
#: Seconds a hook may run before its process group is killed.
DEFAULT_TIMEOUT_S = 60.0
#: Hook tables by loaded configuration (dropped with it).
_TABLES: weakref.WeakKeyDictionary[LoadedConfig, HookTable] = weakref.WeakKeyDictionary()


class ConfiguredHook(msgspec.Struct, frozen=True, kw_only=True):
    """A hook with the event and matcher of its group and the file it came from."""

    event: str
    matcher: str
    #: What it runs: the shell command, the URL (http) or the prompt (prompt, agent).
    command: str
    timeout: float
    source: str
    #: Its place in the file: ``hooks.PreToolUse[0].hooks[1]``.
    where: str = ""
    #: ``if``: a permission rule (``Bash(git *)``); on tool events the hook runs only for
    #: calls the rule covers.
    if_rule: str | None = None
    #: ``statusMessage``: what the user sees while the hook runs.
    status_message: str | None = None
    #: ``type``: command, http, prompt or agent.
    kind: str = "command"
    #: http: request headers (``$NAME`` filled from ``allowed_env_vars`` only).
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    allowed_env_vars: tuple[str, ...] = ()
    #: prompt, agent: the model to ask (an alias or id; the session's when unset).
    model: str | None = None
    #: ``async``: a command hook that runs in the background and blocks nothing.
    run_async: bool = False
    #: ``once``: runs at most once per session.
    once: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What makes two entries the same hook."""
        return (self.event, self.matcher, self.kind, self.command)
    #: For a plugin's hooks (a bundle's): ``CLAUDE_PLUGIN_ROOT`` in the hook's environment.
    plugin_root: str | None = None


class BrokenHook(msgspec.Struct, frozen=True, kw_only=True):
    """An entry corral cannot run; the tool calls it could match ask instead."""

    #: The event, or ``None`` when the whole ``hooks`` table is unreadable.
    event: str | None
    #: The group's matcher, or ``None`` when it is unknown (then it matches every tool).
    matcher: str | None
    source: str
    where: str
    problem: str

    def describe(self) -> str:
        if self.event is None or self.event in TOOL_EVENTS:
            then = "the tool calls it could match ask (deny when headless)"
        else:
            then = "it does not run"
        return f"{self.source}: {self.where}: {self.problem}; {then}"

    def guards(self, tool: str) -> bool:
        """Whether a call of ``tool`` is one this entry could have guarded."""
        if self.event is not None and self.event not in TOOL_EVENTS:
            return False
        return self.matcher is None or matches(self.matcher, tool)


class HookTable(msgspec.Struct, frozen=True, kw_only=True):
    """Every configured hook by event, and the problems found while reading them."""

    hooks: dict[str, list[ConfiguredHook]]
    #: Entries that cannot run (each also described in :attr:`errors`).
    broken: list[BrokenHook] = msgspec.field(default_factory=list)
    #: Fields and events that were ignored while the hooks around them still load.
    unused: list[str] = msgspec.field(default_factory=list)
    managed_only: bool = False

    @property
    def errors(self) -> list[str]:
        return [b.describe() for b in self.broken]

    def for_event(self, event: str) -> list[ConfiguredHook]:
        return self.hooks.get(event, [])

    def broken_for_tool(self, tool: str) -> list[BrokenHook]:
        """The broken entries that could have guarded a call of ``tool``."""
        return [b for b in self.broken if b.guards(tool)]


def managed_hooks_only(layers: Iterable[Layer]) -> bool:
    """Whether the managed policy sets the ``managed_hooks_only`` lock."""
    for layer in layers:
        if layer.name == "managed":
            perms = layer.data.get("permissions") or {}
            if bool(perms.get("managed_hooks_only", False)):
                return True
    return False


class _Reader:
    """Collects hooks, broken entries and unused fields of one file."""

    def __init__(self, source: str, broken: list[BrokenHook], unused: list[str],
                 plugin_root: str | None = None) -> None:
        self.source = source
        self.broken = broken
        self.unused = unused
        self.plugin_root = plugin_root

    def fail(self, event: str | None, matcher: str | None, where: str, problem: str) -> None:
        self.broken.append(BrokenHook(event=event, matcher=matcher, source=self.source,
                                      where=where, problem=problem))

    def section(self, section: Any) -> list[ConfiguredHook]:
        if not isinstance(section, dict):
            self.fail(None, None, "hooks", "expected a table of events")
            return []
        found: list[ConfiguredHook] = []
        for event, groups in section.items():
            found.extend(self.event(str(event), groups))
        return found

    def event(self, event: str, groups: Any) -> list[ConfiguredHook]:
        where = f"hooks.{event}"
        if event in UNFIRED_EVENTS and event not in EVENTS:
            self.unused.append(f"{self.source}: {where}: corral does not fire this event; "
                               "its hooks are not used")
            # still read, so that a broken tool-event entry asks
        elif event not in EVENTS:
            self.fail(event, None, where, "unknown hook event (known events: "
                      f"{', '.join(EVENTS)}); its hooks cannot run")
            return []
        if not isinstance(groups, list):
            self.fail(event, None, where, "expected a list of {matcher, hooks} groups")
            return []
        found: list[ConfiguredHook] = []
        for i, group in enumerate(groups):
            found.extend(self.group(event, f"{where}[{i}]", group))
        return found if event in EVENTS else []

    def group(self, event: str, where: str, group: Any) -> list[ConfiguredHook]:
        if not isinstance(group, dict):
            self.fail(event, None, where, "expected a table with `matcher` and `hooks`")
            return []
        self.note_unused(where, group, _GROUP_FIELDS)
        matcher = group.get("matcher", "")
        if matcher is None:
            matcher = ""
        if not isinstance(matcher, str):
            self.fail(event, None, where, "`matcher` must be a string")
            return []
        if not matcher_is_valid(matcher):
            self.fail(event, None, where, f"matcher {matcher!r} is not a valid regular "
                      "expression")
            return []
        entries = group.get("hooks")
        if not isinstance(entries, list):
            self.fail(event, matcher, where, "`hooks` must be a list of hook entries")
            return []
        found: list[ConfiguredHook] = []
        for j, entry in enumerate(entries):
            hook = self.entry(event, matcher, f"{where}.hooks[{j}]", entry)
            if hook is not None:
                found.append(hook)
        return found

    def entry(self, event: str, matcher: str, where: str, entry: Any) -> ConfiguredHook | None:
        if not isinstance(entry, dict):
            self.fail(event, matcher, where, f"expected a table {_SHAPE}")
            return None
        kind = entry.get("type")
        if kind not in HOOK_TYPES:
            problem = ("`type` is missing" if kind is None
                       else f"hooks of type {kind!r} are not run by corral (types: "
                       f"{', '.join(HOOK_TYPES)})")
            self.fail(event, matcher, where, f"{problem} {_SHAPE}")
            return None
        target = self.target(event, matcher, where, kind, entry)
        if target is None:
            return None
        timeout = entry.get("timeout")
        if timeout is not None and (isinstance(timeout, bool)
                                    or not isinstance(timeout, int | float) or timeout <= 0):
            self.fail(event, matcher, where, "`timeout` must be a positive number of seconds")
            return None
        condition = entry.get("if")
        if condition is not None:
            bad = _rule_problem(condition, self.source)
            if bad is not None:
                self.fail(event, matcher, where, f"`if` {bad}")
                return None
        flags = {}
        for name in ("async", "once"):
            value = entry.get(name, False)
            if not isinstance(value, bool):
                self.fail(event, matcher, where, f"`{name}` must be true or false")
                return None
            flags[name] = value
        if flags["async"] and kind != "command":
            self.unused.append(f"{self.source}: {where}: `async` applies to command hooks "
                               "only; this hook runs in the foreground")
            flags["async"] = False
        status = entry.get("statusMessage")
        model = entry.get("model")
        self.note_unused(where, entry, _ENTRY_FIELDS[kind])
        return ConfiguredHook(
            event=event, matcher=matcher, command=target, kind=kind,
            timeout=float(timeout or DEFAULT_TIMEOUTS[kind]), source=self.source,
            where=where, if_rule=condition,
            status_message=status if isinstance(status, str) else None,
            headers=self.headers(entry), allowed_env_vars=self.allowed_env(entry),
            model=model if isinstance(model, str) and model else None,
            run_async=flags["async"], once=flags["once"],
            plugin_root=self.plugin_root)

    def target(self, event: str, matcher: str, where: str, kind: str,
               entry: dict[str, Any]) -> str | None:
        """What the hook runs: its command, URL or prompt (``None`` when missing)."""
        field = _TARGET[kind]
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            self.fail(event, matcher, where, f"`{field}` must be a non-empty string for a "
                      f"{kind} hook {_SHAPE}")
            return None
        if kind == "http" and not value.startswith(("http://", "https://")):
            self.fail(event, matcher, where, f"`url` must be an http:// or https:// URL "
                      f"(got {value!r})")
            return None
        return value

    def headers(self, entry: dict[str, Any]) -> dict[str, str]:
        raw = entry.get("headers")
        if not isinstance(raw, dict):
            return {}
        return {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int | float)}

    def allowed_env(self, entry: dict[str, Any]) -> tuple[str, ...]:
        raw = entry.get("allowedEnvVars")
        if not isinstance(raw, list):
            return ()
        return tuple(str(v) for v in raw if isinstance(v, str))

    def note_unused(self, where: str, table: dict[str, Any], known: frozenset[str]) -> None:
        extra = sorted(str(key) for key in table if key not in known)
        if extra:
            self.unused.append(f"{self.source}: {where}: field(s) {', '.join(extra)} not "
                               "used by corral (ignored; the hook runs)")


def _rule_problem(condition: Any, source: str) -> str | None:
    """Why ``condition`` is not a permission rule, or ``None`` when it is one."""
    if not isinstance(condition, str) or not condition.strip():
        return "must be a permission rule such as \"Bash(git *)\""
    try:
        parse_rule(condition, "ask", source)
    except RuleError as exc:
        return f"is not a permission rule: {exc.problem}"
    return None


def read_hooks(layers: Iterable[Layer], extra: Iterable[HookSet] = ()) -> HookTable:
    """Collect the hooks of ``layers`` (only the managed layer's under the lock), then
    those plugins add (``extra``, from ``corral_command_hooks``)."""
    layers = list(layers)
    locked = managed_hooks_only(layers)
    table: dict[str, list[ConfiguredHook]] = {}
    broken: list[BrokenHook] = []
    unused: list[str] = []
    seen: set[tuple[str, str, str, str]] = set()
    sources: list[tuple[str, Any, str | None]] = [
        (layer.source, layer.data.get("hooks"), None) for layer in layers
        if not locked or layer.name == "managed"]
    if not locked:
        sources += [(item.source, item.hooks, item.plugin_root) for item in extra]
    for source, section, plugin_root in sources:
        if not gives_hooks(section):
            continue
        for hook in _Reader(source, broken, unused, plugin_root).section(section):
            key = hook.key
            if key not in seen:  # the merged configuration holds each item once, too
                seen.add(key)
                table.setdefault(hook.event, []).append(hook)
    return HookTable(hooks=table, broken=broken, unused=unused, managed_only=locked)


def hook_table(session: Session) -> HookTable:
    """The hook table of the session's configuration, read once per loaded configuration
    (sub-agent sessions share it); its problems are warned about once."""
    loaded = session.app.loaded
    table = _TABLES.get(loaded)
    if table is None:
        table = read_hooks(loaded.layers, plugin_hook_sets(session))
        for error in table.errors:
            session.hooks.warn(f"corral: warning: {error}")
        _TABLES[loaded] = table
    return table
