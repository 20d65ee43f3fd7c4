"""Layer 4: the permission chain that decides every tool call.

The public surface: :func:`decide` (the chain), :class:`PermissionContext` (where a session
runs and which rules apply), :class:`RuleSet` and :class:`Rule` (parsed rules),
:func:`explain`/:func:`decision_dict` (``corral permissions explain``), :func:`add_allow_rule`
("always allow") and :func:`analyze` (what a shell command would run). bashlex is imported
only when a command needs it.
"""

from __future__ import annotations

from corral.permissions.chain import (
    decide,
    path_is_read_denied,
    path_is_secret,
    tool_is_denied_outright,
)
from corral.permissions.context import DEFAULT_TOOL_KINDS, MODES, Mode, PermissionContext
from corral.permissions.decision import Decision, Tier, Verdict, Vote
from corral.permissions.explain import decision_dict, explain
from corral.permissions.persist import RuleFileError, add_allow_rule
from corral.permissions.rules import Rule, RuleError, RuleSet, ToolKind, parse_rule
from corral.permissions.shell import ShellAnalysis, SimpleCommand, analyze
from corral.permissions.suggest import suggest_rules

__all__ = [
    "DEFAULT_TOOL_KINDS", "MODES", "Decision", "Mode", "PermissionContext", "Rule",
    "RuleError", "RuleFileError", "RuleSet", "ShellAnalysis", "SimpleCommand", "Tier",
    "ToolKind", "Verdict", "Vote", "add_allow_rule", "analyze", "decide", "decision_dict",
    "explain", "parse_rule", "path_is_read_denied", "path_is_secret", "suggest_rules",
    "tool_is_denied_outright",
]
