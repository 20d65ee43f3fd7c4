"""``corral -p``: one headless run, printed as text, one JSON object, or JSON lines."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import msgspec

from corral import cmdhooks
from corral.app import App
from corral.cli import startup_gc
from corral.cli.stderr_notes import StderrNotes
from corral.engine import Engine, TurnOutcome
from corral.errors import CorralError, UsageError
from corral.events import Event
from corral.session import Session

if TYPE_CHECKING:
    from corral.cli.stream_json import ClaudeStream


class Result(msgspec.Struct, kw_only=True):
    """The ``--output-format json`` object (and the last line of ``stream-json`` and
    ``corral-events``)."""

    type: str = "result"
    subtype: str
    is_error: bool
    session_id: str
    num_turns: int
    duration_ms: float
    result: str
    total_cost_usd: float | None
    usage: dict[str, int]
    permission_denials: list[dict[str, Any]]


def read_prompt(args: argparse.Namespace) -> str:
    prompt = "" if args.prompt in (None, "-") else str(args.prompt)
    piped = ""
    if not sys.stdin.isatty():
        piped = sys.stdin.read()
    if piped and prompt:
        return f"{prompt}\n\n{piped}"
    if piped or prompt:
        return piped or prompt
    raise UsageError("no prompt: give one with -p \"PROMPT\" or pipe it on stdin")


async def stream_json_inputs() -> AsyncIterator[str | list[dict[str, Any]]]:
    """User messages from stdin, one JSON object a line:
    ``{"type": "user", "message": {"role": "user", "content": ...}}``."""
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            obj = msgspec.json.decode(line)
            content = obj["message"]["content"] if obj.get("type") == "user" else None
        except (msgspec.DecodeError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"stdin line {number}: not a stream-json user message ({exc})") from exc
        if content is None:
            continue
        yield content


def encode_line(obj: Any) -> str:
    """One line of ``--output-format corral-events``/``json``: ``obj`` as compact JSON."""
    return msgspec.json.encode(obj).decode()


def make_session(args: argparse.Namespace, app: App, *, headless: bool) -> tuple[Session, list[str]]:
    """A new session, or a resumed one (``-c`` / ``-r``), with its transcript open."""
    from corral.cli.prompt_flags import appended_prompt, system_prompt
    from corral.cli.session_flags import chosen_session_id
    from corral.engine.resume import find_transcript, restore

    new_id = chosen_session_id(args, app.cwd.resolve())
    restored = None
    if args.continue_ or args.resume is not None:
        restored = restore(find_transcript(app.cwd.resolve(), args.resume or None))
    session = Session(app, headless=headless, model=args.model, max_turns=args.max_turns,
                      max_budget_usd=args.max_budget_usd,
                      append_system_prompt=appended_prompt(args),
                      system_prompt=system_prompt(args),
                      session_id=restored.session_id if restored else new_id,
                      messages=restored.messages if restored else None,
                      totals=restored.totals() if restored else None)
    fallback = getattr(args, "fallback_model", None)
    if fallback:
        session.fallback_model = app.config.resolve_model(fallback)
        if session.fallback_model == session.model:
            raise UsageError(f"--fallback-model {fallback}: the same model as the session's "
                             f"({session.model}); name another one")
    session.persist = getattr(args, "session_persistence", True)
    if session.persist:
        session.open_transcript()
    return session, restored.warnings if restored else []


#: At most this many follow-up turns a headless run takes from ``corral_idle``.
MAX_FOLLOW_UPS = 100


async def _follow_ups(session: Session, engine: Engine, outcome: TurnOutcome) -> TurnOutcome:
    """Before a headless run ends, let plugins that still have work in flight (sub-agent
    workers finishing) hand their results back through ``corral_idle``: each offered input
    is one more turn, until none is offered."""
    for _ in range(MAX_FOLLOW_UPS):
        if outcome.is_error:
            return outcome
        offered = await session.hooks.idle_input(session)
        if offered is None:
            return outcome
        origin, text = offered
        outcome = await engine.run_turn(text, origin=origin)
    return outcome


def bypass_locked_warning(session: Session) -> None:
    """Say on stderr when bypassPermissions was asked for (``--dangerously-skip-permissions``,
    ``--permission-mode``, a settings file) but a lock turns it into default mode."""
    if session.permission_mode != "bypassPermissions":
        return
    from corral.permissions.session import permission_context

    if permission_context(session).disable_bypass_mode:
        sys.stderr.write("corral: warning: bypassPermissions is disabled by "
                         "disableBypassPermissionsMode (disable_bypass_mode); tool calls are "
                         "decided as in default mode\n")


def setup_trigger(args: argparse.Namespace) -> str | None:
    """The Setup hooks' trigger the flags ask for: ``init``, ``maintenance`` or none."""
    if getattr(args, "init", False) or getattr(args, "init_only", False):
        return "init"
    return "maintenance" if getattr(args, "maintenance", False) else None


async def setup_only(app: App) -> int:
    """``--init-only``: fire the Setup hooks (trigger ``init``) and exit, no session."""
    session = Session(app, headless=True)
    try:
        await cmdhooks.setup(session, "init")
    finally:
        await cmdhooks.finish(session)
    return 0


async def run_headless(args: argparse.Namespace, app: App) -> int:
    fmt = args.output_format
    partial = getattr(args, "include_partial_messages", False)
    if partial and fmt != "stream-json":
        raise UsageError("--include-partial-messages needs --output-format stream-json")
    session, warnings = make_session(args, app, headless=True)
    for warning in warnings:
        sys.stderr.write(f"corral: warning: {warning}\n")
    from corral.sandbox.status import unavailable_notice

    notice = unavailable_notice(session)
    if notice is not None:
        sys.stderr.write(notice + "\n")
    claude: ClaudeStream | None = None
    notes: StderrNotes | None = None
    if fmt == "stream-json":
        from corral.cli.stream_json import ClaudeStream  # only this format writes its lines

        claude = ClaudeStream(session, sys.stdout, partial=partial)
        session.listeners.append(claude)
    elif fmt == "corral-events":
        def listener(event: Event) -> None:
            sys.stdout.write(encode_line(event) + "\n")
            sys.stdout.flush()

        session.listeners.append(listener)
    elif fmt == "text":
        notes = StderrNotes(sys.stderr, verbose=getattr(args, "verbose", False))
        session.listeners.append(notes)
    start = time.monotonic()
    outcome: TurnOutcome | None = None
    engine = Engine(session)
    trigger = setup_trigger(args)
    if trigger is not None:
        await cmdhooks.setup(session, trigger)
    await session.start()
    startup_gc.resume()  # start-up is over: its objects frozen, the collector back on
    bypass_locked_warning(session)
    if claude is not None:
        claude.init()
    if notes is not None:
        notes.started(session)
    try:
        if args.input_format == "stream-json":
            async for content in stream_json_inputs():
                outcome = await engine.run_turn(content)
                if outcome.is_error:
                    break
        else:
            outcome = await engine.run_turn(read_prompt(args))
        if outcome is not None:
            outcome = await _follow_ups(session, engine, outcome)
    except CorralError as exc:
        outcome = TurnOutcome(subtype="error_during_execution", is_error=True, result=str(exc),
                              num_turns=0, duration_ms=0.0)
    finally:
        await engine.aclose()
        await session.end()
    if outcome is None:
        raise UsageError("no user message arrived on stdin (--input-format stream-json)")
    result = Result(
        subtype=outcome.subtype,
        is_error=outcome.is_error,
        session_id=session.id,
        num_turns=session.num_turns,
        duration_ms=round((time.monotonic() - start) * 1000, 1),
        result=outcome.result,
        # rounded to a millionth of a dollar: sums of floats print as 0.009600000000000001
        total_cost_usd=(round(session.cost_usd, 6) if session.cost_known
                        and session.cost_usd is not None else None),
        usage=msgspec.to_builtins(session.usage),
        permission_denials=session.permission_denials,
    )
    if notes is not None:
        notes.finished(result)
    if fmt == "text":
        stream = sys.stderr if outcome.is_error else sys.stdout
        stream.write(outcome.result.rstrip("\n") + "\n")
    elif claude is not None:
        claude.result(result)
    else:
        sys.stdout.write(encode_line(result) + "\n")
    return 1 if outcome.is_error else 0
