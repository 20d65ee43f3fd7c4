"""Firing one event: pick the matching hooks, run them in parallel, report each run.

Every run is visible: a :class:`~corral.events.Notice` per hook (level ``warning`` for an
error or a timeout), plus one for each ``systemMessage`` a hook sends to the user.

A hook runs its command, POSTs to its URL (``http``) or asks the model (``prompt``,
``agent``). An ``async`` command hook runs in the background: the event does not wait for
it and it decides nothing; when it ends, its ``systemMessage`` is shown and its
``additionalContext`` joins the next message. Background hooks still running when the
session ends get :data:`ASYNC_GRACE_S` more seconds, then their process groups are killed.
A ``once`` hook runs at most once per session.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import msgspec

from corral.cmdhooks._context import add_pending_context
from corral.cmdhooks._http import post_event
from corral.cmdhooks._match import matches
from corral.cmdhooks._process import ProcessResult, run_command
from corral.cmdhooks.config import ConfiguredHook, hook_table
from corral.cmdhooks.env_file import ENV_FILE_EVENTS, ENV_FILE_VAR, apply_env_file, env_file
from corral.cmdhooks.model_hooks import run_model_hook
from corral.cmdhooks.output import HookRun, read_run
from corral.cmdhooks.presence import BACKGROUND, NO_HOOKS
from corral.events import Notice
from corral.permissions.rules import parse_rule
from corral.permissions.session import permission_context
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import ToolCall

#: Seconds background (``async``) hooks may go on after their session ends.
ASYNC_GRACE_S = 5.0
#: ``once`` hooks that already ran in a session.
_RAN_ONCE: StashKey[set[tuple[str, str, str, str]]] = StashKey("cmdhooks_ran_once")


def matching_hooks(session: Session, event: str, match: str | None,
                   call: ToolCall | None = None) -> list[ConfiguredHook]:
    """The hooks ``event`` runs for ``match`` (a tool name, a source …) and, on tool
    events, whose ``if`` rule covers ``call``; each command (URL, prompt) once, and a
    ``once`` hook only if it has not run in this session."""
    if session.stash.get(NO_HOOKS):
        return []
    ran = session.stash.get(_RAN_ONCE) or set()
    chosen: list[ConfiguredHook] = []
    targets: set[tuple[str, str]] = set()
    for hook in hook_table(session).for_event(event):
        target = (hook.kind, hook.command)
        if not matches(hook.matcher, match) or target in targets:
            continue
        if hook.once and hook.key in ran:
            continue
        if hook.if_rule is not None and call is not None and not _covers(session, hook, call):
            continue
        targets.add(target)
        chosen.append(hook)
    return chosen


def _covers(session: Session, hook: ConfiguredHook, call: ToolCall) -> bool:
    """Whether the hook's ``if`` rule covers ``call`` (checked when the table was read)."""
    from corral.permissions.chain import call_matches_rule

    _, rule = parse_rule(hook.if_rule or "", "ask", hook.source)
    return call_matches_rule(rule, call, permission_context(session))


def payload(session: Session, event: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The JSON a hook reads on stdin: the common fields, then the event's own."""
    transcript = session.transcript.hook_path if session.transcript is not None else ""
    return {
        "session_id": session.id,
        "transcript_path": str(transcript),
        "cwd": str(session.cwd),
        "permission_mode": session.permission_mode,
        "hook_event_name": event,
        **fields,
    }


def hook_env(session: Session) -> dict[str, str]:
    """The environment of a hook: corral's, the configured ``env``, and
    ``CLAUDE_PROJECT_DIR`` (the project root)."""
    from corral import paths

    env = dict(os.environ)
    env.update(session.config.env)
    env["CLAUDE_PROJECT_DIR"] = str(paths.project_root(session.cwd))
    return env


async def fire(
    session: Session, event: str, fields: dict[str, Any], *, match: str | None = None,
    call: ToolCall | None = None,
) -> list[HookRun]:
    """Run every hook of ``event`` that matches ``match`` (and ``call``, for ``if``), at
    once; return their runs in configuration order."""
    hooks = matching_hooks(session, event, match, call)
    if not hooks:
        return []
    once = {h.key for h in hooks if h.once}
    if once:
        session.stash.setdefault(_RAN_ONCE, set()).update(once)
    data = msgspec.json.encode(payload(session, event, fields))
    env = hook_env(session)
    if event in ENV_FILE_EVENTS:
        env[ENV_FILE_VAR] = str(env_file(session))

    for hook in hooks:
        if hook.status_message:
            await session.emit(Notice(level="info", text=hook.status_message,
                                      data={"hook_event": event, "command": hook.command,
                                            "status_message": True}))

    async def one(hook: ConfiguredHook) -> HookRun:
        own = env if hook.plugin_root is None else {**env, "CLAUDE_PLUGIN_ROOT": hook.plugin_root}
        return read_run(hook, await run_hook(session, hook, data, own))

    for hook in hooks:
        if hook.run_async:
            _start_background(session, hook, one(hook))
    runs = await asyncio.gather(*(one(h) for h in hooks if not h.run_async))
    for run in runs:
        await report(session, run)
    if event in ENV_FILE_EVENTS:
        await apply_env_file(session)
    return list(runs)


async def run_hook(session: Session, hook: ConfiguredHook, data: bytes,
                   env: dict[str, str]) -> ProcessResult:
    """Run one hook of any type on the input ``data``."""
    if hook.kind == "http":
        return await post_event(hook.command, data, headers=hook.headers,
                                allowed_env=frozenset(hook.allowed_env_vars), env=env,
                                timeout=hook.timeout)
    if hook.kind in ("prompt", "agent"):
        return await run_model_hook(session, hook, data)
    return await run_command(hook.command, data, cwd=str(session.cwd), env=env,
                             timeout=hook.timeout)


async def report(session: Session, run: HookRun) -> None:
    """The notice of a run, and its ``systemMessage`` for the user."""
    await session.emit(notice_for(run))
    reply = run.reply
    if reply is not None and reply.system_message:
        await session.emit(Notice(level="warning", text=reply.system_message,
                                  data={"hook_event": run.hook.event,
                                        "command": run.hook.command, "system_message": True}))


def _start_background(session: Session, hook: ConfiguredHook,
                      running: Awaitable[HookRun]) -> None:
    async def finish() -> None:
        run = await running
        await report(session, run)
        spec = run.specific
        if spec is not None and spec.additional_context:
            add_pending_context(session, [spec.additional_context])

    tasks = session.stash.setdefault(BACKGROUND, set())
    task = asyncio.ensure_future(finish())
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def drain_background(session: Session, grace: float = ASYNC_GRACE_S) -> None:
    """Give background hooks ``grace`` seconds to end, then stop the rest (their process
    groups are killed)."""
    tasks = session.stash.pop(BACKGROUND)
    if not tasks:
        return
    _, pending = await asyncio.wait(set(tasks), timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


def notice_for(run: HookRun) -> Notice:
    hook = run.hook
    where = f"{hook.event}[{hook.matcher}]" if hook.matcher else hook.event
    return Notice(
        level="warning" if run.problem is not None else "info",
        text=f"hook {where} {short_command(hook.command)}: {run.summary()}",
        data={
            "hook_event": hook.event,
            "matcher": hook.matcher,
            "command": hook.command,
            "source": hook.source,
            "exit_code": run.process.exit_code,
            "timed_out": run.process.timed_out,
            "duration_ms": run.process.duration_ms,
            "outcome": run.summary(),
        },
    )


def short_command(command: str) -> str:
    """``command`` on one line, in backticks, cut to about 60 characters."""
    one = " ".join(command.split())
    return f"`{one if len(one) <= 60 else one[:57] + '...'}`"
