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
from corral.cmdhooks.fire import fire, matching_hooks
from corral.cmdhooks.lifecycle import (
    finish,
    notify,
    pre_compact,
    session_end,
    session_start,
    setup,
)
from corral.cmdhooks.model_hooks import MODEL_HOOKS, NO_HOOKS, ModelHookRunner
from corral.cmdhooks.output import HookReply, HookRun, HookSpecificOutput
from corral.cmdhooks.tool_events import (
    PermissionAnswer,
    PreToolVerdict,
    permission_request,
    post_tool_use,
    pre_tool_use,
)
from corral.cmdhooks.turn_events import (
    MAX_STOP_CONTINUATIONS,
    SUBAGENT_ORIGIN,
    PromptVerdict,
    stop,
    stop_check,
    subagent_start,
    subagent_stop,
    user_prompt_submit,
)

__all__ = [
    "DEFAULT_TIMEOUT_S", "EVENTS", "MAX_STOP_CONTINUATIONS", "OUTPUT_CAP", "SUBAGENT_ORIGIN",
    "MODEL_HOOKS", "NO_HOOKS", "BrokenHook", "ConfiguredHook", "ModelHookRunner", "finish",
    "setup", "HookReply", "HookRun", "HookSpecificOutput",
    "HookTable", "PermissionAnswer", "PreToolVerdict", "PromptVerdict", "fire", "hook_table",
    "matching_hooks", "notify", "permission_request", "post_tool_use", "pre_compact",
    "pre_tool_use", "read_hooks", "session_end", "session_start", "stop", "stop_check",
    "subagent_start", "subagent_stop", "user_prompt_submit",
]
