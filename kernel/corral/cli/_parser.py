"""The argument parser: global options, kernel subcommands, and plugins' subcommands.

:data:`KERNEL_COMMANDS` is the one list of the kernel's own subcommands. Every subcommand,
the kernel's and the plugins', is a :class:`~corral.commands.CliCommand` whose parser is
filled in (its ``configure`` called) only when that subcommand is the one being run, so
``corral -p`` and ``corral --help`` import none of their implementations."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Sequence
from typing import Any

from corral._version import __version__
from corral.cli._options import add_global_options, add_subcommand_globals
from corral.cli.run_session import add_session_options
from corral.commands import CliCommand

DESCRIPTION = """\
corral: an open coding-agent harness.

Run `corral` for an interactive session, or `corral -p "PROMPT"` for one headless
answer. Features come from plugins; `corral plugins` lists them and their flags."""

EPILOG = """\
configuration: ~/.config/corral/config.toml, .claude/corral.toml, .claude/corral.local.toml
(and Claude Code's settings.json files); `corral config show --origin` shows the result.
environment: CORRAL_HOME, CORRAL_FEATURES="buddy,-kairos", CORRAL_LOAD_PLUGINS=a,b,
CORRAL_TRACE_PLUGINS=1, ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, ANTHROPIC_BASE_URL."""


#: The kernel's own subcommands; a plugin cannot take these names.
KERNEL_COMMANDS: tuple[CliCommand, ...] = (
    CliCommand.lazy(
        name="sessions", module="corral.cli.sessions_cmd",
        help="list earlier sessions in this directory",
        description="List the sessions run in this directory, newest first: id, when, first "
        "prompt, turns, cost. `corral -r ID` resumes one, `corral -c` the newest."),
    CliCommand.lazy(
        name="plugins", module="corral.cli.plugins_cmd",
        help="list Python plugins and plugin bundles",
        description="List the installed plugins: Python plugins (version, enabled and "
        "what decided it, hooks), then plugin bundles (docs/bundles.md)."),
    CliCommand.lazy(name="config", module="corral.cli.config_cmd",
                    help="inspect the effective configuration"),
    CliCommand.lazy(
        name="doctor", module="corral.cli.doctor",
        help="check the installation, config and plugins",
        description="Check the installation, the config files, the model endpoint and "
        "credentials (never printing a secret), the plugins and the command hooks; exits 1 "
        "when something is wrong."),
    CliCommand.lazy(name="permissions", module="corral.cli.permissions_cmd",
                    help="explain a permission decision or list rules"),
)


def cli_overrides(ns: argparse.Namespace) -> dict[str, Any]:
    """The command-line layer of the configuration."""
    data: dict[str, Any] = {}
    if ns.coordinator:
        data.setdefault("plugins", {}).setdefault("coordinator", {})["mode"] = True
        data.setdefault("features", {})["coordinator"] = True
    for item in ns.settings:
        _set_dotted(data, item)
    features = {name: True for name in ns.enable}
    features.update({name: False for name in ns.disable})
    if features:
        data.setdefault("features", {}).update(features)
    if ns.model:
        data["model"] = ns.model
    if ns.no_sandbox:
        data.setdefault("sandbox", {})["enabled"] = False
    perms: dict[str, Any] = data.setdefault("permissions", {})
    if ns.permission_mode:
        perms["default_mode"] = ns.permission_mode
    if ns.skip_permissions:
        perms["default_mode"] = "bypassPermissions"
    if ns.add_dir:
        perms["additional_directories"] = list(ns.add_dir)
    if ns.allowed_tools or ns.disallowed_tools:
        from corral.permissions.rules import split_rules
    if ns.allowed_tools:
        perms["allow"] = split_rules(ns.allowed_tools)
    if ns.disallowed_tools:
        perms["deny"] = split_rules(ns.disallowed_tools)
    if not perms:
        del data["permissions"]
    return data


def _set_dotted(data: dict[str, Any], item: str) -> None:
    """Apply one ``--set a.b.c=VALUE`` to the command-line layer."""
    import tomllib

    from corral.errors import ConfigError

    key, sep, raw = item.partition("=")
    parts = [p.strip() for p in key.split(".")]
    if not sep or not all(parts):
        raise ConfigError("--set", item, "expected KEY=VALUE, e.g. --set engine.max_turns=5")
    try:
        value: Any = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError("--set", item, f"{part!r} is not a table")
        node = child
    node[parts[-1]] = value


def pre_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    add_global_options(parser)
    return parser


class _Unmade:
    """What ``add_parser`` holds for a subcommand whose parser is not made yet: the parser
    class and the very arguments ``add_parser`` would have made it with."""

    __slots__ = ("make", "kwargs", "parser")

    def __init__(self, make: Callable[..., argparse.ArgumentParser], **kwargs: Any) -> None:
        self.make = make
        self.kwargs = kwargs
        self.parser: argparse.ArgumentParser | None = None

    def made(self) -> argparse.ArgumentParser:
        if self.parser is None:
            self.parser = self.make(**self.kwargs)
        return self.parser


class _Parsers(dict[str, Any]):
    """The subcommands' parsers by name (argparse's ``choices`` of the subcommand
    argument): a parser is made when first looked up. Names, their order, ``in`` and
    ``len`` are those of the full map, so parsing and every message read the same."""

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        value = super().__getitem__(name)
        if isinstance(value, _Unmade):
            value = value.made()
            super().__setitem__(name, value)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default

    def values(self) -> Any:
        return [self[name] for name in self]

    def items(self) -> Any:
        return [(name, self[name]) for name in self]


class _Subcommands(argparse._SubParsersAction):
    """Subparsers made when one of them is looked up (parsing its command line, its help),
    and whose arguments are added only when one of them is chosen.

    A run that names no subcommand (``corral -p``, an interactive session) makes none of
    their parsers; each one made later is made by argparse's own ``add_parser`` call with
    the same arguments, so it is the parser eager construction would have made."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[str, CliCommand] = {}
        self._name_parser_map = self.choices = _Parsers()

    def add_command(self, command: CliCommand) -> None:
        """List ``command`` (its name and help) without making or configuring its parser."""
        make = self._parser_class
        self._parser_class = functools.partial(_Unmade, make)  # type: ignore[assignment]
        try:
            self.add_parser(command.name, help=command.help,
                            description=command.description or command.help)
        finally:
            self._parser_class = make
        self._pending[command.name] = command

    def configure(self, name: str) -> argparse.ArgumentParser:
        """Fill in the parser of subcommand ``name`` (once) and return it."""
        parser: argparse.ArgumentParser = self.choices[name]
        command = self._pending.pop(name, None)
        if command is not None:
            if command.configure is not None:
                command.configure(parser)
            add_subcommand_globals(parser)
        return parser

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if values and values[0] in self.choices:
            self.configure(values[0])
        super().__call__(parser, namespace, values, option_string)


def build_parser(
    plugin_commands: Sequence[CliCommand],
    add_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.ArgumentParser:
    """The full parser: kernel subcommands (:data:`KERNEL_COMMANDS`), then ``plugin_commands``."""
    parser = argparse.ArgumentParser(
        prog="corral",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"corral {__version__}")
    parser.add_argument(
        "-p", "--print", dest="prompt", metavar="PROMPT", nargs="?", const="-",
        help="answer PROMPT headless and exit; piped stdin is added to it ('-' or no "
        "PROMPT: stdin alone)",
    )
    add_global_options(parser)
    add_session_options(parser)
    if add_options is not None:
        add_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=_Subcommands)
    assert isinstance(sub, _Subcommands)
    for command in (*KERNEL_COMMANDS, *plugin_commands):
        sub.add_command(command)
    return parser


def subcommand_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The configured parser of subcommand ``name`` in a parser from :func:`build_parser`."""
    for action in parser._actions:
        if isinstance(action, _Subcommands):
            return action.configure(name)
    raise KeyError(name)
