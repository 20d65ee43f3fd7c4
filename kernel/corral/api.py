"""The public face of corral for plugins: import what a plugin may use from here."""

from __future__ import annotations

from corral import hookimpl
from corral.app import App
from corral.atomic import write_atomic
from corral.commands import CliCommand, SlashCommand
from corral.errors import ConfigError, CorralError, UsageError
from corral.events import Notice
from corral.paths import claude_user_dir, project_root, user_data_dir, user_log_dir
from corral.providers import Provider
from corral.session import Session
from corral.tools.base import Tool, ToolCall, ToolResult
from corral.transport.errors import PROMPT_TOO_LONG, APIError

__all__ = [
    "PROMPT_TOO_LONG",
    "APIError",
    "App",
    "CliCommand",
    "ConfigError",
    "CorralError",
    "Notice",
    "Provider",
    "Session",
    "SlashCommand",
    "Tool",
    "ToolCall",
    "ToolResult",
    "UsageError",
    "claude_user_dir",
    "hookimpl",
    "project_root",
    "user_data_dir",
    "user_log_dir",
    "write_atomic",
]
