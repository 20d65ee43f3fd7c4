"""Layer 4: the permission chain that decides every tool call.

The public surface: :func:`decide` (the chain), :class:`PermissionContext` (where a session
runs and which rules apply), :class:`RuleSet` and :class:`Rule` (parsed rules),
:func:`explain`/:func:`decision_dict` (``corral permissions explain``), :func:`add_allow_rule`
("always allow") and :func:`analyze` (what a shell command would run). Each name is imported
when first used (bashlex only when a command needs it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Each public name and the module it lives in: a name is imported on first use, so the
#: modules that need only part of the package (the rules, the session's context) do not
#: load the whole chain and shell analyzer with it.
_HOMES: dict[str, str] = {
    "DEFAULT_TOOL_KINDS": "corral.permissions.context",
    "Decision": "corral.permissions.decision",
    "MODES": "corral.permissions.context",
    "Mode": "corral.permissions.context",
    "PermissionContext": "corral.permissions.context",
    "Rule": "corral.permissions.rules",
    "RuleError": "corral.permissions.rules",
    "RuleFileError": "corral.permissions.persist",
    "RuleSet": "corral.permissions.rules",
    "ShellAnalysis": "corral.permissions.shell",
    "SimpleCommand": "corral.permissions.shell",
    "Tier": "corral.permissions.decision",
    "ToolKind": "corral.permissions.rules",
    "Verdict": "corral.permissions.decision",
    "Vote": "corral.permissions.decision",
    "add_allow_rule": "corral.permissions.persist",
    "analyze": "corral.permissions.shell",
    "decide": "corral.permissions.chain",
    "decision_dict": "corral.permissions.explanation",
    "explain": "corral.permissions.explanation",
    "parse_rule": "corral.permissions.rules",
    "path_is_read_denied": "corral.permissions.chain",
    "path_is_secret": "corral.permissions.chain",
    "suggest_rules": "corral.permissions.suggest",
    "tool_is_denied_outright": "corral.permissions.context",
}

if TYPE_CHECKING:
    from corral.permissions.chain import (
        decide,
        path_is_read_denied,
        path_is_secret,
    )
    from corral.permissions.context import (
        DEFAULT_TOOL_KINDS,
        MODES,
        Mode,
        PermissionContext,
        tool_is_denied_outright,
    )
    from corral.permissions.decision import Decision, Tier, Verdict, Vote
    from corral.permissions.explanation import decision_dict, explain
    from corral.permissions.persist import RuleFileError, add_allow_rule
    from corral.permissions.rules import Rule, RuleError, RuleSet, ToolKind, parse_rule
    from corral.permissions.shell import ShellAnalysis, SimpleCommand, analyze
    from corral.permissions.suggest import suggest_rules


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(home)
    # bind every name from that module: importing corral.permissions.explanation has just set
    # this package's ``explain`` to the submodule, and the function must win
    for other, other_home in _HOMES.items():
        if other_home == home:
            globals()[other] = getattr(module, other)
    return getattr(module, name)


__all__ = [
    "DEFAULT_TOOL_KINDS", "MODES", "Decision", "Mode", "PermissionContext", "Rule",
    "RuleError", "RuleFileError", "RuleSet", "ShellAnalysis", "SimpleCommand", "Tier",
    "ToolKind", "Verdict", "Vote", "add_allow_rule", "analyze", "decide", "decision_dict",
    "explain", "parse_rule", "path_is_read_denied", "path_is_secret", "suggest_rules",
    "tool_is_denied_outright",
]
