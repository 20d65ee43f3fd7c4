"""Parse the command line, build the application, dispatch."""

from __future__ import annotations

import argparse
import sys
import traceback

from corral.app import App
from corral.cli import startup_gc
from corral.cli._parser import KERNEL_COMMANDS, build_parser, cli_overrides, pre_parser
from corral.commands import CliCommand
from corral.errors import CorralError


def _error(message: str) -> None:
    sys.stderr.write(f"corral: error: {message}\n")


def run(argv: list[str]) -> int:
    pre, _ = pre_parser().parse_known_args(argv)
    wants_help = any(a in ("-h", "--help") for a in argv)
    app: App | None = None
    try:
        app = App.create(cli=cli_overrides(pre), strict=pre.strict_plugins, debug=pre.debug,
                         session_follows=_headless(argv), settings=pre.settings_layers)
    except CorralError as exc:
        if not wants_help:
            _error(str(exc))
            if pre.debug:
                traceback.print_exc()
            return exc.exit_code
        _error(f"{exc} (plugin subcommands are not listed)")

    plugin_commands: dict[str, CliCommand] = {}
    if app is not None:
        for plugin, command in app.host.register_cli():
            if command.name in plugin_commands or command.name in _KERNEL_NAMES:
                taken = "the kernel's" if command.name in _KERNEL_NAMES else "another"
                _error(f"plugin {plugin!r} registers subcommand {command.name!r}, which is "
                       f"{taken} subcommand; skipped")
                continue
            plugin_commands[command.name] = command
    parser = build_parser(list(plugin_commands.values()),
                          app.host.add_options if app is not None else None)
    args = parser.parse_args(argv)
    assert app is not None  # --help exited inside parse_args
    app.options = args
    try:
        return _dispatch(args, app, plugin_commands)
    except CorralError as exc:
        _error(str(exc))
        if args.debug:
            traceback.print_exc()
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _headless(argv: list[str]) -> bool:
    """Whether ``argv`` asks for a headless session (``-p``), known before parsing it."""
    return any(a in ("-p", "--print") or a.startswith("--print=") for a in argv)


def _dispatch(args: argparse.Namespace, app: App, plugin_commands: dict[str, CliCommand]) -> int:
    command = _KERNEL_BY_NAME.get(args.command) or plugin_commands.get(args.command)
    if command is not None:
        startup_gc.resume()  # a command may run for long (a daemon, a server)
        return command.run(args, app)
    from corral.cli.run_session import run_session

    return run_session(args, app)


_KERNEL_BY_NAME = {command.name: command for command in KERNEL_COMMANDS}
_KERNEL_NAMES = frozenset(_KERNEL_BY_NAME)
