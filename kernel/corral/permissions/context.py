"""Everything the chain needs to know about where and how a session runs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from corral.permissions.rules import RuleError, RuleSet, ToolKind
from corral.permissions.secrets import DEFAULT_SECRET_FILES

Mode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]
MODES: tuple[Mode, ...] = ("default", "acceptEdits", "plan", "dontAsk", "bypassPermissions")

#: How the chain treats the built-in tools; extend with :meth:`PermissionContext.with_tools`.
DEFAULT_TOOL_KINDS: Mapping[str, ToolKind] = {
    "Read": "read",
    "Glob": "read",
    "Grep": "read",
    "LS": "read",
    "NotebookRead": "read",
    "Edit": "edit",
    "Write": "edit",
    "MultiEdit": "edit",
    "NotebookEdit": "edit",
    "Bash": "bash",
    "WebFetch": "webfetch",
    "WebSearch": "readonly",
    "SlashCommand": "readonly",
    "TodoWrite": "readonly",
    "BashOutput": "readonly",
    "KillShell": "readonly",
    "TodoRead": "readonly",
    "ExitPlanMode": "readonly",
    "Agent": "agent",
    "Task": "agent",
    "Skill": "readonly",
}


#: The Bash tool's parameter that asks to run one command outside the sandbox (here, not in
#: :mod:`corral.permissions.sandboxed`, so the tool's module loads without the sandbox tier).
DISABLE_KEY = "dangerouslyDisableSandbox"


class SandboxGate(msgspec.Struct, frozen=True):
    """What the chain needs to know about the OS sandbox of a session that has one on."""

    #: Sandboxed commands skip the prompt (``autoAllowBashIfSandboxed``).
    auto_allow: bool = True
    #: ``dangerouslyDisableSandbox`` is honoured (``allowUnsandboxedCommands``).
    allow_unsandboxed: bool = True
    #: Bash rule patterns of commands that always run outside the sandbox.
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class PermissionContext:
    """The working directories, mode, home, managed policy and merged rules of a session.

    Paths are resolved (``realpath``) on construction, so a symlinked cwd matches the paths
    tool calls resolve to.
    """

    cwd: str
    additional_directories: tuple[str, ...] = ()
    mode: Mode = "default"
    home: str = field(default_factory=lambda: os.path.expanduser("~"))
    #: Managed policy rules (the site config); nothing below can override them.
    managed: RuleSet = field(default_factory=RuleSet)
    #: Lock: bypassPermissions mode acts as default mode.
    disable_bypass_mode: bool = False
    #: Lock: only managed rules count; settings rules are ignored.
    managed_rules_only: bool = False
    #: The settings rules merged across every layer, each with its source.
    rules: RuleSet = field(default_factory=RuleSet)
    tool_kinds: Mapping[str, ToolKind] = field(default_factory=lambda: dict(DEFAULT_TOOL_KINDS))
    #: Name patterns of files whose reading asks even inside the working directories.
    secret_files: tuple[str, ...] = DEFAULT_SECRET_FILES
    #: The session's OS sandbox, or ``None`` when shell commands run unsandboxed.
    sandbox: SandboxGate | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "cwd", os.path.realpath(self.cwd))
        object.__setattr__(self, "home", os.path.realpath(self.home))
        extra = tuple(os.path.realpath(os.path.expanduser(d)) for d in self.additional_directories)
        object.__setattr__(self, "additional_directories", extra)

    @property
    def working_dirs(self) -> tuple[str, ...]:
        return (self.cwd, *self.additional_directories)

    @property
    def effective_mode(self) -> Mode:
        if self.mode == "bypassPermissions" and self.disable_bypass_mode:
            return "default"
        return self.mode

    def kind_of(self, tool: str) -> ToolKind:
        return self.tool_kinds.get(tool, "other")

    def with_mode(self, mode: Mode) -> PermissionContext:
        return _replace(self, mode=mode)

    def with_sandbox(self, gate: SandboxGate | None) -> PermissionContext:
        return _replace(self, sandbox=gate)

    def with_tools(self, kinds: Mapping[str, ToolKind]) -> PermissionContext:
        """A copy that also knows ``kinds`` (e.g. plugin tools with ``read_only = True``)."""
        return _replace(self, tool_kinds={**self.tool_kinds, **kinds})

    @classmethod
    def build(
        cls,
        cwd: str,
        rules: Iterable[tuple[str, str, str, str | None]] = (),
        *,
        managed: Iterable[tuple[str, str, str, str | None]] = (),
        mode: Mode = "default",
        additional_directories: Iterable[str] = (),
        home: str | None = None,
        disable_bypass_mode: bool = False,
        managed_rules_only: bool = False,
        secret_files: Iterable[str] | None = None,
    ) -> tuple[PermissionContext, list[RuleError]]:
        """A context from plain ``(kind, rule_text, source, root_dir)`` lists, and rule errors."""
        settings, errors = RuleSet.from_sources(rules)
        policy, managed_errors = RuleSet.from_sources(managed)
        ctx = cls(
            cwd=cwd,
            additional_directories=tuple(additional_directories),
            mode=mode,
            home=home if home is not None else os.path.expanduser("~"),
            managed=policy,
            disable_bypass_mode=disable_bypass_mode,
            managed_rules_only=managed_rules_only,
            rules=settings,
            secret_files=DEFAULT_SECRET_FILES if secret_files is None else tuple(secret_files),
        )
        return ctx, [*managed_errors, *errors]


def _replace(ctx: PermissionContext, **changes: object) -> PermissionContext:
    import dataclasses

    return dataclasses.replace(ctx, **changes)  # type: ignore[arg-type]


def tool_is_denied_outright(name: str, ctx: PermissionContext) -> bool:
    """Whether a bare-name deny rule removes the tool from the model's tool list (needs no
    part of the chain: a session's tool list is settled before its first request)."""
    kind = ctx.kind_of(name)
    if ctx.managed.bare_denies(name, kind) is not None:
        return True
    return not ctx.managed_rules_only and ctx.rules.bare_denies(name, kind) is not None
