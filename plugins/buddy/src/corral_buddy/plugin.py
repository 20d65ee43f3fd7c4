"""Entry point of corral-buddy: the hooks the kernel calls.

This module is imported only when the ``buddy`` feature is enabled; keep its imports light
(rich and the rest of the plugin load on first use).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import hookimpl

from corral_buddy.settings import Settings

if TYPE_CHECKING:
    from corral.api import App, CliCommand, Event, Session, SlashCommand

NAME = "buddy"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    register(
        CliCommand(
            name=NAME,
            help="show your companion pet's card (--json for data, 'rename NAME' to rename)",
            run=_cli_run,
            configure=_cli_configure,
        )
    )


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.api import SlashCommand

    from corral_buddy.runtime import SLASH_HINT

    register(
        SlashCommand(
            name=NAME,
            description="show your pet's card; pet it, hide it, or rename it",
            run=_slash_run,
            argument_hint=SLASH_HINT,
        )
    )


@hookimpl
async def corral_session_start(session: Session) -> None:
    import asyncio

    from corral_buddy.keys import NAMING

    if session.headless:
        # only an interactive session names the pet: a headless run's first request
        # waits for nothing (not even the import of the naming code)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        session.stash[NAMING] = done
        return
    from corral_buddy.soul_model import name_by_model

    # in the background: the prompt must not wait for the pet's name
    task = asyncio.ensure_future(name_by_model(session))
    session.stash[NAMING] = task


@hookimpl
def corral_on_event(session: Session, event: Event) -> None:
    from corral_buddy.runtime import on_event

    on_event(session, event)


@hookimpl
def corral_status(session: Session) -> Any:
    from corral_buddy.runtime import status

    return status(session)


def _cli_configure(parser: argparse.ArgumentParser) -> None:
    from corral_buddy.cli import configure

    configure(parser)


def _cli_run(args: argparse.Namespace, app: App) -> int:
    from corral_buddy.cli import run

    return run(args, app)


def _slash_run(session: Session, args: str) -> str:
    from corral_buddy.runtime import slash

    return slash(session, args)
