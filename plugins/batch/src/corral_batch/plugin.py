"""Entry point of corral-batch: the ``batch`` settings table and the ``corral batch``
subcommand. Imports nothing heavy; the driver loads when the subcommand runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from corral.api import hookimpl

from corral_batch.settings import Settings

if TYPE_CHECKING:
    from corral.api import App, CliCommand

NAME = "batch"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    register(CliCommand(name=NAME, help="run many headless tasks from a JSONL file, here or "
                        "on Ray, appending one result a line", run=_cli_run,
                        configure=_cli_configure))


def _cli_configure(parser: argparse.ArgumentParser) -> None:
    from corral_batch.cli import configure

    configure(parser)


def _cli_run(args: argparse.Namespace, app: App) -> int:
    from corral_batch.cli import run

    return run(args, app)
