"""``statusLine``: a command whose output is shown in the REPL's status area.

The command runs through the shell in the session's directory with the session's JSON on
stdin (Claude Code's shape: ``session_id``, ``transcript_path``, ``cwd``, ``model``,
``workspace``, ``version``, ``output_style``, ``cost``). Its stdout (ANSI colours kept, at
most :data:`MAX_LINES` lines) is what the status area shows until the next run.

Runs are throttled: the status area asks for the line about twice a second, and the command
runs again only when what it would read changed (a new message, more cost, another mode or
model) and at least :data:`MIN_INTERVAL_S` after the previous run started, or when the last
run is :data:`REFRESH_S` old. One run at a time, :data:`TIMEOUT_S` at most each.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING, Any

import msgspec

from corral._version import __version__
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

MIN_INTERVAL_S = 0.3
REFRESH_S = 10.0
TIMEOUT_S = 5.0
MAX_LINES = 3


class StatusLineState:
    """The last output of a session's status command and when it ran."""

    def __init__(self) -> None:
        self.text = ""
        self.problem: str | None = None
        self.started = 0.0
        self.inputs: tuple[Any, ...] | None = None
        self.task: asyncio.Task[None] | None = None
        self.runs = 0


_STATE: StashKey[StatusLineState] = StashKey("status_line")


def status_input(session: Session) -> dict[str, Any]:
    """The JSON the command reads."""
    from corral import output_styles, paths

    transcript = session.transcript.hook_path if session.transcript is not None else ""
    return {
        "hook_event_name": "Status",
        "session_id": session.id,
        "transcript_path": str(transcript),
        "cwd": str(session.cwd),
        "model": {"id": session.model, "display_name": session.model},
        "workspace": {"current_dir": str(session.cwd),
                      "project_dir": str(paths.project_root(session.cwd))},
        "version": __version__,
        "output_style": {"name": output_styles.active_name(session)},
        "permission_mode": session.permission_mode,
        "cost": {"total_cost_usd": session.cost_usd or 0.0,
                 "total_duration_ms": round((time.time() - session.started_at) * 1000),
                 "total_api_duration_ms": 0,
                 "total_lines_added": 0, "total_lines_removed": 0},
    }


def _inputs(session: Session) -> tuple[Any, ...]:
    return (len(session.messages), session.cost_usd, session.permission_mode, session.model,
            session.usage.output_tokens)


def current(session: Session) -> str | None:
    """The text to show now (``None`` without a ``statusLine``); starts a run in the
    background when one is due and an event loop is running."""
    setting = session.config.status_line
    if setting is None:
        return None
    state = session.stash.setdefault(_STATE, StatusLineState())
    now = time.monotonic()
    inputs = _inputs(session)
    busy = state.task is not None and not state.task.done()
    due = state.inputs is None or (
        now - state.started >= MIN_INTERVAL_S and inputs != state.inputs
    ) or now - state.started >= REFRESH_S
    if due and not busy:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            state.started, state.inputs = now, inputs
            state.task = loop.create_task(_run(session, setting.command, state))
    text = state.text if state.problem is None else f"statusLine: {state.problem}"
    return " " * setting.padding + text if text else ""


async def _run(session: Session, command: str, state: StatusLineState) -> None:
    from corral.cmdhooks._process import run_command

    state.runs += 1
    data = msgspec.json.encode(status_input(session))
    env = {**os.environ, **session.config.env}
    result = await run_command(command, data, cwd=str(session.cwd), env=env,
                               timeout=TIMEOUT_S, cap=2000)
    if result.error is not None or result.timed_out or result.exit_code not in (0, None):
        why = result.error or ("timed out" if result.timed_out
                               else f"exit status {result.exit_code}")
        state.problem = why
        return
    state.problem = None
    state.text = "\n".join(result.stdout.rstrip("\n").splitlines()[:MAX_LINES])
