"""The subcommands' parsers are made only when looked up: every command line parses, fails
and prints help exactly as with parsers made up front by argparse's own ``add_parser``."""

from __future__ import annotations

import argparse
import contextlib
import io
from typing import Any

import pytest
from corral.app import App
from corral.cli import _parser
from corral.cli._parser import build_parser, subcommand_parser
from corral.commands import CliCommand
from hypothesis import given, settings
from hypothesis import strategies as st


class _EagerSubcommands(_parser._Subcommands):
    """The reference: each subcommand's parser made at once by ``add_parser`` (into a plain
    dict), arguments still added when the subcommand is chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = self.choices = {}

    def add_command(self, command: CliCommand) -> None:
        self.add_parser(command.name, help=command.help,
                        description=command.description or command.help)
        self._pending[command.name] = command


def _gadget(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", type=int, required=True)
    parser.add_argument("what", nargs="?")


def _ignore(args: argparse.Namespace, app: App) -> int:
    return 0


#: Plugin-like subcommands: one with arguments, one without, one named like a prompt word.
PLUGIN_COMMANDS = [
    CliCommand(name="gadget", help="a test gadget", run=_ignore, configure=_gadget),
    CliCommand(name="bare", help="no arguments", run=_ignore,
               description="A subcommand without arguments."),
    CliCommand(name="go", help="a subcommand named like a prompt", run=_ignore),
]


def build(lazy: bool, commands: list[CliCommand]) -> argparse.ArgumentParser:
    if lazy:
        return build_parser(commands)
    real = _parser._Subcommands
    _parser._Subcommands = _EagerSubcommands  # type: ignore[misc]
    try:
        return build_parser(commands)
    finally:
        _parser._Subcommands = real  # type: ignore[misc]


def outcome(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[Any, ...]:
    """What parsing ``argv`` gives: the namespace, or the exit status and what was printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:
            return ("exit", exc.code, out.getvalue(), err.getvalue())
    return ("parsed", sorted(vars(args).items(), key=lambda kv: kv[0]), out.getvalue(),
            err.getvalue())


WORDS = ["-p", "--print", "--print=hi", "hi", "go", "sessions", "plugins", "config", "doctor",
         "permissions", "gadget", "bare", "gad", "show", "--origin", "--json", "--level", "3",
         "x", "-h", "--help", "--model", "opus", "--mod", "--output-format", "json", "-c",
         "-r", "--", "--bogus", "-V", "--set", "a.b=1", "explain", "Bash(ls)", "--debug",
         "-", "list"]


@settings(max_examples=250, deadline=None)
@given(argv=st.lists(st.sampled_from(WORDS), max_size=6),
       plugins=st.sampled_from([[], PLUGIN_COMMANDS, PLUGIN_COMMANDS[:1]]))
def test_every_command_line_reads_as_with_parsers_made_up_front(
        argv: list[str], plugins: list[CliCommand]) -> None:
    lazy, eager = build(True, plugins), build(False, plugins)
    assert outcome(lazy, argv) == outcome(eager, argv)
    assert lazy.format_help() == eager.format_help()


@pytest.mark.parametrize("argv", [
    ["-p", "sessions"], ["-p", "go"], ["go"], ["sessions", "-p", "hi"], ["sessions", "--json"],
    ["config", "show", "--origin"], ["gadget", "--level", "2", "thing"], ["gadget"],
    ["gadget", "--help"], ["bare", "--help"], ["--help"], ["nosuch"], ["-p"], [],
    ["permissions", "explain", "Bash(ls)"], ["-p", "hi", "doctor"], ["--model", "x", "bare"],
])
def test_named_command_lines_read_the_same(argv: list[str]) -> None:
    lazy, eager = build(True, PLUGIN_COMMANDS), build(False, PLUGIN_COMMANDS)
    assert outcome(lazy, argv) == outcome(eager, argv)


def test_each_subcommand_help_is_the_same() -> None:
    lazy, eager = build(True, PLUGIN_COMMANDS), build(False, PLUGIN_COMMANDS)
    names = [*(c.name for c in _parser.KERNEL_COMMANDS), *(c.name for c in PLUGIN_COMMANDS)]
    for name in names:
        made, reference = subcommand_parser(lazy, name), subcommand_parser(eager, name)
        assert made.prog == reference.prog == f"corral {name}"
        assert made.format_help() == reference.format_help()


def test_a_headless_command_line_makes_no_subcommand_parser() -> None:
    parser = build_parser(PLUGIN_COMMANDS)
    assert parser.parse_args(["-p", "hi"]).prompt == "hi"
    [sub] = [a for a in parser._actions if isinstance(a, _parser._Subcommands)]
    unmade = [name for name in sub.choices if isinstance(dict.get(sub.choices, name),
                                                           _parser._Unmade)]
    assert unmade == [*(c.name for c in _parser.KERNEL_COMMANDS), "gadget", "bare", "go"]
    assert isinstance(sub.choices["bare"], argparse.ArgumentParser)  # made when looked up
    assert sub.choices.get("bare") is sub.choices["bare"]
