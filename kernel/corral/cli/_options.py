"""The global options: read before plugins load, and accepted by every subcommand too."""

from __future__ import annotations

import argparse
from typing import Any

#: What every subcommand's help says about the options it does not list.
GLOBAL_NOTE = ("The global options (--model, --enable, --set, --permission-mode ...) work "
               "here too; `corral --help` lists them.")


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """Options that shape the application itself (read before plugins load).

    Subcommands accept them too (``suppress``: no defaults there, so the main parser's
    values stand unless the option is given after the subcommand)."""
    group = parser.add_argument_group("global options")

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    def h(text: str) -> str:
        # a subcommand's help lists its own options; the global ones are in `corral --help`
        return argparse.SUPPRESS if suppress else text

    group.add_argument("--debug", action="store_true", default=default(False), help=h("show tracebacks for errors"))
    group.add_argument(
        "--strict-plugins",
        action="store_true",
        default=default(False),
        help=h("a broken plugin is an error, not a warning (for CI)"),
    )
    group.add_argument(
        "--enable", action="append", default=default([]), metavar="NAME", help=h("turn a feature on")
    )
    group.add_argument(
        "--disable", action="append", default=default([]), metavar="NAME", help=h("turn a feature off")
    )
    group.add_argument(
        "--verbose", action="store_true", default=default(False),
        help=h("say more on stderr: `-p` text output adds each tool call with its outcome, "
        "the model's words between tool calls and a closing summary (JSON outputs unchanged)"),
    )
    group.add_argument("--model", default=default(None), help=h("model id or alias (sonnet, opus, haiku)"))
    group.add_argument(
        "--permission-mode",
        choices=["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"],
        default=default(None),
        help=h("how tool calls are approved"),
    )
    group.add_argument(
        "--dangerously-skip-permissions", dest="skip_permissions", action="store_true",
        default=default(False),
        help=h("run every tool call without asking, as --permission-mode bypassPermissions; "
        "deny rules still hold and a disableBypassPermissionsMode lock still wins"),
    )
    group.add_argument(
        "--add-dir",
        action="append",
        default=default([]),
        metavar="DIR",
        help=h("another directory tools may work in"),
    )
    group.add_argument(
        "--coordinator", action="store_true", default=default(False),
        help=h("coordinator mode: the agent plans and delegates to workers (needs "
        "corral-coordinator)"),
    )
    group.add_argument(
        "--no-sandbox", dest="no_sandbox", action="store_true", default=default(False),
        help=h("run shell commands without the OS sandbox (docs/sandbox.md)"),
    )
    group.add_argument(
        "--set", dest="settings", action="append", default=default([]), metavar="KEY=VALUE",
        help=h("set any config key for this run, e.g. --set plugins.coordinator.mode=true "
        "(VALUE is read as TOML, else as text)"),
    )
    group.add_argument(
        "--settings", dest="settings_layers", action="append", default=default([]),
        metavar="FILE_OR_JSON",
        help=h("a settings.json file, or its JSON given inline, read for this run above the "
        "settings files and below the environment and the other flags"),
    )
    group.add_argument(
        "--allowedTools", "--allowed-tools", dest="allowed_tools", action="append",
        default=default([]), metavar="RULES",
        help=h("permission rules to allow, e.g. \"Read,Bash(git diff *)\""),
    )
    group.add_argument(
        "--disallowedTools", "--disallowed-tools", dest="disallowed_tools", action="append",
        default=default([]), metavar="RULES",
        help=h("permission rules to deny; a bare tool name removes the tool"),
    )


def add_subcommand_globals(parser: argparse.ArgumentParser) -> None:
    """Let a subcommand's parser take the global options too (see :data:`GLOBAL_NOTE`)."""
    add_global_options(parser, suppress=True)
    if parser.epilog is None:
        parser.epilog = GLOBAL_NOTE
