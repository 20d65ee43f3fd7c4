"""Parse the command line, build the application, dispatch."""

from __future__ import annotations

import sys
import traceback

from corral.app import App
from corral.cli._parser import build_parser, cli_overrides, pre_parser
from corral.commands import CliCommand
from corral.errors import CorralError

#: Subcommands of the kernel itself; a plugin cannot take these names.
_KERNEL_COMMANDS = ("plugins", "config", "doctor", "sessions", "permissions")


def _error(message: str) -> None:
    sys.stderr.write(f"corral: error: {message}\n")


def run(argv: list[str]) -> int:
    pre, _ = pre_parser().parse_known_args(argv)
    wants_help = any(a in ("-h", "--help") for a in argv)
    app: App | None = None
    try:
        app = App.create(cli=cli_overrides(pre), strict=pre.strict_plugins, debug=pre.debug)
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
            if command.name in plugin_commands or command.name in _KERNEL_COMMANDS:
                _error(f"plugin {plugin!r} registers subcommand {command.name!r} twice; skipped")
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


def _dispatch(args: object, app: App, plugin_commands: dict[str, CliCommand]) -> int:
    import argparse

    assert isinstance(args, argparse.Namespace)
    command = args.command
    if command == "plugins":
        from corral.cli.plugins_cmd import run_plugins

        return run_plugins(app, as_json=args.json)
    if command == "config":
        from corral.cli.config_cmd import run_config_show

        return run_config_show(app, origin=args.origin, as_json=args.json)
    if command == "doctor":
        from corral.cli.doctor import run_doctor

        return run_doctor(app)
    if command == "permissions":
        from corral.cli.permissions_cmd import run_permissions

        return run_permissions(args, app)
    if command == "sessions":
        from corral.cli.sessions_cmd import run_sessions

        return run_sessions(app, as_json=args.json)
    if command in plugin_commands:
        return plugin_commands[command].run(args, app)
    from corral.cli.run_session import run_session

    return run_session(args, app)
