"""Subcommands: one kernel list, and each parser filled in only when its subcommand runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from corral.app import App
from corral.cli._main import run
from corral.cli._parser import KERNEL_COMMANDS, build_parser, subcommand_parser
from corral.commands import CliCommand


class Recorder:
    def __init__(self) -> None:
        self.configured = 0
        self.ran: list[argparse.Namespace] = []

    def configure(self, parser: argparse.ArgumentParser) -> None:
        self.configured += 1
        parser.add_argument("--level", type=int, required=True)

    def run(self, args: argparse.Namespace, app: App) -> int:
        self.ran.append(args)
        return 7


def recorded_command(recorder: Recorder, name: str = "gadget") -> CliCommand:
    return CliCommand(name=name, help="a test gadget", run=recorder.run,
                      configure=recorder.configure)


def test_parsing_another_command_line_leaves_a_subcommand_unconfigured() -> None:
    recorder = Recorder()
    parser = build_parser([recorded_command(recorder)])
    assert parser.parse_args(["-p", "hi"]).prompt == "hi"
    assert parser.parse_args(["sessions", "--json"]).json is True
    assert "gadget" in parser.format_help()  # listed by name and help all the same
    assert recorder.configured == 0


def test_choosing_a_subcommand_configures_it_once_with_the_global_options() -> None:
    recorder = Recorder()
    parser = build_parser([recorded_command(recorder)])
    args = parser.parse_args(["gadget", "--level", "3", "--model", "opus"])
    assert (args.command, args.level, args.model) == ("gadget", 3, "opus")
    assert recorder.configured == 1
    subcommand_parser(parser, "gadget")
    assert recorder.configured == 1


def test_subcommand_help_shows_its_configured_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    recorder = Recorder()
    with pytest.raises(SystemExit):
        build_parser([recorded_command(recorder)]).parse_args(["gadget", "--help"])
    out = capsys.readouterr().out
    assert "--level" in out and "a test gadget" in out


def test_every_kernel_subcommand_parses_through_the_one_list() -> None:
    parser = build_parser([])
    listed = parser.format_help()
    examples = {"sessions": ["--json"], "plugins": ["--json"], "config": ["show", "--origin"],
                "doctor": [], "permissions": ["explain", "Bash", "{}"]}
    assert sorted(examples) == sorted(c.name for c in KERNEL_COMMANDS)
    for command in KERNEL_COMMANDS:
        assert command.name in listed and command.help in listed
        assert parser.parse_args([command.name, *examples[command.name]]).command == command.name


def test_nested_kernel_actions_take_the_global_options() -> None:
    args = build_parser([]).parse_args(["config", "show", "--json", "--model", "haiku"])
    assert (args.config_command, args.json, args.model) == ("show", True, "haiku")


def test_lazy_command_imports_its_module_only_when_run(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lazy_gadget_impl.py").write_text(
        "def configure(parser):\n    parser.add_argument('word')\n\n"
        "def run(args, app):\n    return len(args.word)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    command = CliCommand.lazy(name="gadget", help="lazy", module="lazy_gadget_impl")
    parser = build_parser([command])
    parser.parse_args(["-p", "hi"])
    assert "lazy_gadget_impl" not in sys.modules
    args = parser.parse_args(["gadget", "hello"])
    assert "lazy_gadget_impl" in sys.modules
    assert command.run(args, None) == 5  # type: ignore[arg-type]
    monkeypatch.delitem(sys.modules, "lazy_gadget_impl")


def test_lazy_command_without_configure_and_with_a_missing_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lazy_bare_impl.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    command = CliCommand.lazy(name="bare", help="bare", module="lazy_bare_impl")
    assert build_parser([command]).parse_args(["bare"]).command == "bare"
    with pytest.raises(AttributeError, match="lazy_bare_impl defines no run"):
        command.run(argparse.Namespace(), None)  # type: ignore[arg-type]
    monkeypatch.delitem(sys.modules, "lazy_bare_impl")


def test_a_plugin_cannot_take_a_kernel_subcommand(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    recorder = Recorder()
    monkeypatch.chdir(project)

    original = App.create

    def create(*args: object, **kwargs: object) -> App:
        app = original(*args, **kwargs)  # type: ignore[arg-type]
        monkeypatch.setattr(app.host, "register_cli", lambda: [
            ("thief", recorded_command(recorder, "doctor")),
            ("maker", recorded_command(recorder, "gadget"))])
        return app

    monkeypatch.setattr(App, "create", create)
    assert run(["gadget", "--level", "2"]) == 7
    err = capsys.readouterr().err
    assert "plugin 'thief' registers subcommand 'doctor', which is the kernel's" in err
    assert recorder.ran[0].level == 2
