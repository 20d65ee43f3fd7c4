"""Command hooks, compatible with Claude Code's ``hooks`` settings.

Configured as ``hooks.<Event>[] = {matcher, hooks: [{type = "command", command, timeout}]}``
in any layer (corral TOML or Claude Code ``settings.json``); ``type`` may also be ``http``
(POST the input to ``url``), ``prompt`` or ``agent`` (the model decides). A command hook
gets one JSON object on stdin; exit 0 (with optional JSON on stdout), exit 2 to block,
anything else is a reported error. Matching hooks run in parallel. The functions below fire
each event; the internal plugin :mod:`corral.internal_plugins.command_hooks` calls them from
the kernel's hooks, so the engine meets command hooks only through the plugin host.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral._lazy import lazy_getattr

#: Each public name and the module it comes from (loaded on first use).
_HOMES: dict[str, str] = {
    "OUTPUT_CAP": "corral.cmdhooks._process",
    "DEFAULT_TIMEOUT_S": "corral.cmdhooks.config",
    "EVENTS": "corral.cmdhooks.config",
    "BrokenHook": "corral.cmdhooks.config",
    "ConfiguredHook": "corral.cmdhooks.config",
    "HookTable": "corral.cmdhooks.config",
    "hook_table": "corral.cmdhooks.config",
    "read_hooks": "corral.cmdhooks.config",
    "fire": "corral.cmdhooks.firing",
    "matching_hooks": "corral.cmdhooks.firing",
    "finish": "corral.cmdhooks.lifecycle",
    "notify": "corral.cmdhooks.lifecycle",
    "pre_compact": "corral.cmdhooks.lifecycle",
    "session_end": "corral.cmdhooks.lifecycle",
    "session_start": "corral.cmdhooks.lifecycle",
    "setup": "corral.cmdhooks.lifecycle",
    "MODEL_HOOKS": "corral.cmdhooks.presence",
    "NO_HOOKS": "corral.cmdhooks.presence",
    "ModelHookRunner": "corral.cmdhooks.model_hooks",
    "HookReply": "corral.cmdhooks.output",
    "HookRun": "corral.cmdhooks.output",
    "HookSpecificOutput": "corral.cmdhooks.output",
    "PermissionAnswer": "corral.cmdhooks.tool_events",
    "PreToolVerdict": "corral.cmdhooks.tool_events",
    "permission_request": "corral.cmdhooks.tool_events",
    "post_tool_use": "corral.cmdhooks.tool_events",
    "pre_tool_use": "corral.cmdhooks.tool_events",
    "MAX_STOP_CONTINUATIONS": "corral.cmdhooks.turn_events",
    "SUBAGENT_ORIGIN": "corral.cmdhooks.presence",
    "PromptVerdict": "corral.cmdhooks.turn_events",
    "stop": "corral.cmdhooks.turn_events",
    "stop_check": "corral.cmdhooks.turn_events",
    "subagent_start": "corral.cmdhooks.turn_events",
    "subagent_stop": "corral.cmdhooks.turn_events",
    "user_prompt_submit": "corral.cmdhooks.turn_events",
}

if TYPE_CHECKING:
    from corral.cmdhooks._process import OUTPUT_CAP
    from corral.cmdhooks.config import (
        DEFAULT_TIMEOUT_S,
        EVENTS,
        BrokenHook,
        ConfiguredHook,
        HookTable,
        hook_table,
        read_hooks,
    )
    from corral.cmdhooks.firing import fire, matching_hooks
    from corral.cmdhooks.lifecycle import (
        finish,
        notify,
        pre_compact,
        session_end,
        session_start,
        setup,
    )
    from corral.cmdhooks.model_hooks import ModelHookRunner
    from corral.cmdhooks.output import HookReply, HookRun, HookSpecificOutput
    from corral.cmdhooks.presence import MODEL_HOOKS, NO_HOOKS, SUBAGENT_ORIGIN
    from corral.cmdhooks.tool_events import (
        PermissionAnswer,
        PreToolVerdict,
        permission_request,
        post_tool_use,
        pre_tool_use,
    )
    from corral.cmdhooks.turn_events import (
        MAX_STOP_CONTINUATIONS,
        PromptVerdict,
        stop,
        stop_check,
        subagent_start,
        subagent_stop,
        user_prompt_submit,
    )
else:
    __getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = [
    "DEFAULT_TIMEOUT_S", "EVENTS", "MAX_STOP_CONTINUATIONS", "OUTPUT_CAP", "SUBAGENT_ORIGIN",
    "MODEL_HOOKS", "NO_HOOKS", "BrokenHook", "ConfiguredHook", "ModelHookRunner", "finish",
    "setup", "HookReply", "HookRun", "HookSpecificOutput",
    "HookTable", "PermissionAnswer", "PreToolVerdict", "PromptVerdict", "fire", "hook_table",
    "matching_hooks", "notify", "permission_request", "post_tool_use", "pre_compact",
    "pre_tool_use", "read_hooks", "session_end", "session_start", "stop", "stop_check",
    "subagent_start", "subagent_stop", "user_prompt_submit",
]
