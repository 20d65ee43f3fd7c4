"""Entry point of corral-kairos: the hooks the kernel calls.

This module is imported only when the ``kairos`` feature is enabled; keep its imports light
(the runtime, watchfiles and websockets load on first use).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import hookimpl

from corral_kairos.settings import Settings

if TYPE_CHECKING:
    from corral.api import App, CliCommand, Event, PromptSection, Session, Tool

NAME = "kairos"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_tools(register: Callable[[Tool], None]) -> None:
    from corral_kairos.sleep_tool import Sleep

    register(Sleep())


@hookimpl
def corral_system_prompt(session: Session) -> PromptSection:
    from corral.api import PromptSection

    from corral_kairos.prompt import TICK_SECTION

    return PromptSection(name="kairos", text=TICK_SECTION, scope="static")


@hookimpl
async def corral_idle(session: Session) -> str | None:
    from corral_kairos.keys import DAEMON
    from corral_kairos.runtime import runtime_of

    if session.headless and not session.stash.get(DAEMON):
        return None  # a `corral -p` run answers and ends; only the REPL and the daemon tick
    runtime = runtime_of(session)
    assert runtime is not None
    await runtime.ensure_started()
    return await runtime.idle_input()


@hookimpl
def corral_on_event(session: Session, event: Event) -> None:
    from corral_kairos.runtime import runtime_of

    runtime = runtime_of(session)
    if runtime is not None:
        runtime.on_event(event)


@hookimpl
async def corral_session_end(session: Session) -> None:
    from corral_kairos.runtime import runtime_of

    runtime = runtime_of(session, create=False)
    if runtime is not None:
        await runtime.stop()


@hookimpl
def corral_status(session: Session) -> Any:
    from corral_kairos.runtime import runtime_of

    runtime = runtime_of(session, create=False)
    if runtime is None:
        return None
    from rich.text import Text

    return Text(runtime.status_line(), style="dim")


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    register(CliCommand(name=NAME, help="run corral on its own in the background (daemon, "
                        "bridge, daily logs)", run=_cli_run, configure=_cli_configure))


def _cli_configure(parser: argparse.ArgumentParser) -> None:
    from corral_kairos.cli import configure

    configure(parser)


def _cli_run(args: argparse.Namespace, app: App) -> int:
    from corral_kairos.cli import run

    return run(args, app)
