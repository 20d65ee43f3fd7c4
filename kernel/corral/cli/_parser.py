"""The argument parser: global options, kernel subcommands, and plugins' subcommands."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from corral._version import __version__
from corral.cli.permissions_cmd import add_permissions_parser
from corral.cli.run_session import add_session_options
from corral.permissions.rules import split_rules

if TYPE_CHECKING:
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
    group.add_argument("--model", default=default(None), help=h("model id or alias (sonnet, opus, haiku)"))
    group.add_argument(
        "--permission-mode",
        choices=["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"],
        default=default(None),
        help=h("how tool calls are approved"),
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
        help="run shell commands without the OS sandbox (docs/sandbox.md)",
    )
    group.add_argument(
        "--set", dest="settings", action="append", default=default([]), metavar="KEY=VALUE",
        help=h("set any config key for this run, e.g. --set plugins.coordinator.mode=true "
        "(VALUE is read as TOML, else as text)"),
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
    if ns.add_dir:
        perms["additional_directories"] = list(ns.add_dir)
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


def build_parser(
    plugin_commands: Sequence[CliCommand],
    add_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.ArgumentParser:
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sessions = sub.add_parser("sessions", help="list earlier sessions in this directory",
                              description="List the sessions run in this directory, newest "
                              "first: id, when, first prompt, turns, cost. `corral -r ID` "
                              "resumes one, `corral -c` the newest.")
    sessions.add_argument("--json", action="store_true", help="print JSON")

    plugins = sub.add_parser("plugins", help="list installed plugins and their flags",
                             description="List the installed plugins: distribution, version, "
                             "whether each is enabled and what decided it, and the hooks it "
                             "implements.")
    plugins.add_argument("--json", action="store_true", help="print JSON")

    config = sub.add_parser("config", help="inspect the effective configuration")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = config_sub.add_parser("show", help="print the effective configuration")
    show.add_argument("--origin", action="store_true", help="say where each value came from")
    show.add_argument("--json", action="store_true", help="print JSON")

    sub.add_parser("doctor", help="check the installation, config and plugins",
                   description="Check the installation, the config files, the model endpoint "
                   "and credentials (never printing a secret), the plugins and the command "
                   "hooks; exits 1 when something is wrong.")
    permissions, permission_actions = add_permissions_parser(sub)

    for command in plugin_commands:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        if command.configure is not None:
            command.configure(p)
    for subparser in [show, *permission_actions, *sub.choices.values()]:
        if subparser is not config and subparser is not permissions:
            add_global_options(subparser, suppress=True)
            if subparser.epilog is None:
                subparser.epilog = GLOBAL_NOTE
    return parser
