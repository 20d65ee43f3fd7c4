"""The public face of corral for plugin authors: import from here, and only from here.

Everything a plugin may use is re-exported by name below, grouped by what it is for; the
modules behind it (``corral.engine``, ``corral.memory``, ...) are the kernel's own and may
change shape between releases. A plugin's tests may also use :mod:`corral.testing`.

Importing this module is cheap: each name is imported from its home module the first time it
is looked up (``from corral.api import MemoryStore`` loads the memory store, nothing else), so
a plugin's entry-point module can import its hook marker from here without slowing
``corral --help``. Type checkers see ordinary imports.
"""

from __future__ import annotations

# The imports under TYPE_CHECKING keep the grouping of _HOMES, not sorted order.
# ruff: noqa: I001

import importlib
from typing import TYPE_CHECKING, Any

#: Each public name and the kernel module it comes from.
_HOMES: dict[str, str] = {
    # Plugin hooks
    "__version__": "corral",
    "hookimpl": "corral",
    # The application and a session
    "App": "corral.app",
    "Session": "corral.session",
    "SessionOptions": "corral.session",
    "RunTotals": "corral.session",
    "SessionServices": "corral.session",
    "Config": "corral.config.schema",
    "Stash": "corral.stash",
    "StashKey": "corral.stash",
    # Errors
    "ConfigError": "corral.errors",
    "CorralError": "corral.errors",
    "PluginError": "corral.errors",
    "UsageError": "corral.errors",
    # Events (see docs/events.md)
    "AssistantMessage": "corral.events",
    "Compacted": "corral.events",
    "ContextAdded": "corral.events",
    "ErrorOccurred": "corral.events",
    "Event": "corral.events",
    "ModelFellBack": "corral.events",
    "Notice": "corral.events",
    "PermissionDecided": "corral.events",
    "PluginDisabled": "corral.events",
    "RetryScheduled": "corral.events",
    "SessionEnded": "corral.events",
    "SessionStarted": "corral.events",
    "TextDelta": "corral.events",
    "ThinkingDelta": "corral.events",
    "ToolFinished": "corral.events",
    "ToolRequested": "corral.events",
    "ToolResultMessage": "corral.events",
    "ToolStarted": "corral.events",
    "TurnEnded": "corral.events",
    "UsageReported": "corral.events",
    "UserMessage": "corral.events",
    # What plugins contribute
    "AgentDefinition": "corral.agents",
    "AgentDir": "corral.agents",
    "CommandDir": "corral.commands",
    "HookSet": "corral.extra_config",
    "McpServerSet": "corral.extra_config",
    "McpServerStatus": "corral.extra_config",
    "CliCommand": "corral.commands",
    "SlashCommand": "corral.commands",
    "DoctorCheck": "corral.commands",
    "SendPrompt": "corral.commands",
    "Provider": "corral.providers",
    "Connection": "corral.providers",
    "StreamFunction": "corral.providers",
    "PromptSection": "corral.prompt",
    "SkillDir": "corral.skills.model",
    "Tool": "corral.tools.base",
    "ToolCall": "corral.tools.base",
    "ToolResult": "corral.tools.base",
    "Vote": "corral.permissions.decision",
    "Decision": "corral.permissions.decision",
    "PromptVerdict": "corral.verdicts",
    "ToolVerdict": "corral.verdicts",
    "PermissionAnswer": "corral.verdicts",
    "request_halt": "corral.verdicts",
    # Running turns
    "Engine": "corral.engine",
    "TurnOutcome": "corral.engine",
    "ToolRunner": "corral.engine.runner",
    "NoCredentials": "corral.transport.credentials",
    "make_client": "corral.engine.client",
    "PROMPT_TOO_LONG": "corral.transport.errors",
    "APIError": "corral.transport.errors",
    "as_api_error": "corral.transport.errors",
    "with_last_user_breakpoint": "corral.engine.request",
    "Usage": "corral.engine.stream",
    "cost_usd": "corral.engine.pricing",
    "SUBAGENT_ORIGIN": "corral.cmdhooks",
    # Permissions
    "decide": "corral.permissions.chain",
    "PermissionContext": "corral.permissions.context",
    # Transcripts and resuming
    "Transcript": "corral.engine.transcript",
    "iter_transcripts": "corral.engine.transcript",
    "project_dir": "corral.engine.transcript",
    "read_events": "corral.engine.transcript",
    "ResumeError": "corral.engine.resume",
    "find_transcript": "corral.engine.resume",
    "restore": "corral.engine.resume",
    # Background shell jobs
    "AUTO_BACKGROUND_S": "corral.tools.builtin.bash_jobs",
    "finished_jobs": "corral.tools.builtin.bash_jobs",
    # Memory (see docs/memory.md)
    "MemoryEntry": "corral.memory.entry",
    "MemoryType": "corral.memory.entry",
    "check_entry": "corral.memory.entry",
    "new_id": "corral.memory.entry",
    "now": "corral.memory.entry",
    "summary": "corral.memory.entry",
    "InvalidEntry": "corral.memory.errors",
    "MemoryStoreError": "corral.memory.errors",
    "MemoryStore": "corral.memory.store",
    "write_file": "corral.memory.store",
    "as_stored": "corral.memory._format",
    "index_order": "corral.memory._format",
    "DailyLog": "corral.memory.dailylog",
    "daily_log_files": "corral.memory.dailylog",
    "daily_logs_dir": "corral.memory.dailylog",
    # Files and folders
    "write_atomic": "corral.atomic",
    "pid_alive": "corral.atomic",
    "is_atomic_temp": "corral.atomic",
    "claude_user_dir": "corral.paths",
    "project_root": "corral.paths",
    "project_key": "corral.paths",
    "legacy_project_slug": "corral.paths",
    "site_config_dir": "corral.paths",
    "user_cache_dir": "corral.paths",
    "user_config_dir": "corral.paths",
    "user_data_dir": "corral.paths",
    "user_log_dir": "corral.paths",
    "user_state_dir": "corral.paths",
    # Output
    "get_console": "corral.ui.console",
    "shorten": "corral.ui.render",
}

__all__ = sorted(_HOMES)

if TYPE_CHECKING:
    from corral import __version__ as __version__, hookimpl as hookimpl
    from corral.app import App as App
    from corral.session import (
        RunTotals as RunTotals,
        Session as Session,
        SessionOptions as SessionOptions,
        SessionServices as SessionServices,
    )
    from corral.config.schema import Config as Config
    from corral.stash import Stash as Stash, StashKey as StashKey
    from corral.errors import (
        ConfigError as ConfigError,
        CorralError as CorralError,
        PluginError as PluginError,
        UsageError as UsageError,
    )
    from corral.events import (
        AssistantMessage as AssistantMessage,
        Compacted as Compacted,
        ContextAdded as ContextAdded,
        ErrorOccurred as ErrorOccurred,
        Event as Event,
        ModelFellBack as ModelFellBack,
        Notice as Notice,
        PermissionDecided as PermissionDecided,
        PluginDisabled as PluginDisabled,
        RetryScheduled as RetryScheduled,
        SessionEnded as SessionEnded,
        SessionStarted as SessionStarted,
        TextDelta as TextDelta,
        ThinkingDelta as ThinkingDelta,
        ToolFinished as ToolFinished,
        ToolRequested as ToolRequested,
        ToolResultMessage as ToolResultMessage,
        ToolStarted as ToolStarted,
        TurnEnded as TurnEnded,
        UsageReported as UsageReported,
        UserMessage as UserMessage,
    )
    from corral.agents import AgentDefinition as AgentDefinition, AgentDir as AgentDir
    from corral.commands import CommandDir as CommandDir
    from corral.extra_config import HookSet as HookSet, McpServerSet as McpServerSet
    from corral.extra_config import McpServerStatus as McpServerStatus
    from corral.commands import CliCommand as CliCommand, SlashCommand as SlashCommand
    from corral.commands import DoctorCheck as DoctorCheck, SendPrompt as SendPrompt
    from corral.providers import (
        Connection as Connection,
        Provider as Provider,
        StreamFunction as StreamFunction,
    )
    from corral.prompt import PromptSection as PromptSection
    from corral.skills.model import SkillDir as SkillDir
    from corral.tools.base import Tool as Tool, ToolCall as ToolCall, ToolResult as ToolResult
    from corral.permissions.decision import Vote as Vote
    from corral.permissions.decision import Decision as Decision
    from corral.verdicts import (
        PermissionAnswer as PermissionAnswer,
        PromptVerdict as PromptVerdict,
        ToolVerdict as ToolVerdict,
        request_halt as request_halt,
    )
    from corral.engine import Engine as Engine, TurnOutcome as TurnOutcome
    from corral.engine.runner import ToolRunner as ToolRunner
    from corral.engine.client import make_client as make_client
    from corral.transport.credentials import NoCredentials as NoCredentials
    from corral.transport.errors import PROMPT_TOO_LONG as PROMPT_TOO_LONG, APIError as APIError
    from corral.transport.errors import as_api_error as as_api_error
    from corral.engine.request import with_last_user_breakpoint as with_last_user_breakpoint
    from corral.engine.stream import Usage as Usage
    from corral.engine.pricing import cost_usd as cost_usd
    from corral.cmdhooks import SUBAGENT_ORIGIN as SUBAGENT_ORIGIN
    from corral.permissions.chain import decide as decide
    from corral.permissions.context import PermissionContext as PermissionContext
    from corral.engine.transcript import (
        Transcript as Transcript,
        iter_transcripts as iter_transcripts,
        project_dir as project_dir,
        read_events as read_events,
    )
    from corral.engine.resume import (
        ResumeError as ResumeError,
        find_transcript as find_transcript,
        restore as restore,
    )
    from corral.tools.builtin.bash_jobs import (
        AUTO_BACKGROUND_S as AUTO_BACKGROUND_S,
        finished_jobs as finished_jobs,
    )
    from corral.memory.entry import (
        MemoryEntry as MemoryEntry,
        MemoryType as MemoryType,
        check_entry as check_entry,
        new_id as new_id,
        now as now,
        summary as summary,
    )
    from corral.memory.errors import (
        InvalidEntry as InvalidEntry,
        MemoryStoreError as MemoryStoreError,
    )
    from corral.memory.store import MemoryStore as MemoryStore, write_file as write_file
    from corral.memory._format import as_stored as as_stored, index_order as index_order
    from corral.memory.dailylog import (
        DailyLog as DailyLog,
        daily_log_files as daily_log_files,
        daily_logs_dir as daily_logs_dir,
    )
    from corral.atomic import pid_alive as pid_alive, write_atomic as write_atomic
    from corral.atomic import is_atomic_temp as is_atomic_temp
    from corral.paths import (
        claude_user_dir as claude_user_dir,
        project_root as project_root,
        project_key as project_key,
        legacy_project_slug as legacy_project_slug,
        site_config_dir as site_config_dir,
        user_cache_dir as user_cache_dir,
        user_config_dir as user_config_dir,
        user_data_dir as user_data_dir,
        user_log_dir as user_log_dir,
        user_state_dir as user_state_dir,
    )
    from corral.ui.console import get_console as get_console
    from corral.ui.render import shorten as shorten
else:

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"corral.api has no name {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # looked up once
        return value


def __dir__() -> list[str]:
    return __all__
