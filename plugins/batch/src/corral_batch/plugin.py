"""Entry point of corral-batch: the ``batch`` settings table and the ``corral batch``
subcommand. Imports nothing heavy; the driver loads when the subcommand runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from corral.api import hookimpl

from corral_batch.settings import Settings

if TYPE_CHECKING:
    from corral.api import CliCommand

NAME = "batch"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    register(CliCommand.lazy(
        name=NAME, module="corral_batch.cli",
        help="run many headless tasks from a JSONL file, here or on Ray",
        description="Run every task of a JSONL file headless, each in its own checkout, on "
        "worker processes here or as Ray tasks, appending one result a line (docs/batch.md)."))
