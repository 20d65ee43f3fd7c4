"""Entry point of corral-dream: the hooks the kernel calls.

This module is imported only when the ``dream`` feature is enabled; keep its imports light.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from corral.api import hookimpl

from corral_dream.keys import GUARD, IDLE_CHECK, RESULT
from corral_dream.settings import Settings

if TYPE_CHECKING:
    from corral.api import CliCommand, Session, SlashCommand, ToolCall, Vote

NAME = "dream"


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register(NAME, Settings)


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.api import SlashCommand

    from corral_dream.cli import slash

    register(SlashCommand(name="dream", run=slash, argument_hint="[--dry-run] [--undo [user]]",
                          description="consolidate the project's memory now"))


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.api import CliCommand

    register(CliCommand.lazy(name="dream", module="corral_dream.cli",
                             help="consolidate the project's memory: prune, merge, refresh, "
                             "synthesize"))


@hookimpl
def corral_session_end(session: Session) -> None:
    """Start an automatic dream in the background when every gate passes."""
    if session.parent_id is not None:
        return  # a sub-agent's end is not a session of the user's
    settings = session.config.plugin_settings(NAME)
    if not isinstance(settings, Settings) or not settings.auto:
        return
    from corral_dream.background import maybe_start

    try:
        result, pid = maybe_start(session.cwd, settings)
    except OSError as exc:
        session.stash[RESULT] = f"automatic dream not started: {exc}"
        return
    session.stash[RESULT] = result if pid is None else f"dreaming in pid {pid}"


@hookimpl(tryfirst=True)
def corral_idle(session: Session) -> None:
    """A session sits idle (the kairos daemon, a REPL left open): start an automatic dream
    when the gates pass, checking at most once per ``check_interval_minutes``. Offers no
    input; runs before other plugins so their offer cannot skip it."""
    if session.parent_id is not None:
        return None
    settings = session.config.plugin_settings(NAME)
    if not isinstance(settings, Settings) or not settings.auto:
        return None
    import time

    from corral_dream.background import dreaming, maybe_start

    now = time.monotonic()
    last = session.stash.get(IDLE_CHECK)
    if last is not None and now - last < settings.check_interval_minutes * 60:
        return None
    session.stash[IDLE_CHECK] = now
    if dreaming():
        return None  # the dream this process started still runs (and holds the lock)
    try:
        result, pid = maybe_start(session.cwd, settings)
    except OSError as exc:
        session.stash[RESULT] = f"automatic dream not started: {exc}"
        return None
    session.stash[RESULT] = result if pid is None else f"dreaming in pid {pid}"
    return None


@hookimpl
def corral_check_permission(session: Session, call: ToolCall) -> Vote | None:
    """Only for the dream's own code re-check sub-session (see :mod:`corral_dream.guard`)."""
    if GUARD not in session.stash:
        return None
    from corral_dream.guard import vote

    return vote(session, call)
