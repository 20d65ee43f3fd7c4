"""Firing one event: pick the matching hooks, run them in parallel, report each run.

Every run is visible: a :class:`~corral.events.Notice` per hook (level ``warning`` for an
error or a timeout), plus one for each ``systemMessage`` a hook sends to the user.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

import msgspec

from corral.cmdhooks._match import matches
from corral.cmdhooks._process import run_command
from corral.cmdhooks.config import ConfiguredHook, hook_table
from corral.cmdhooks.output import HookRun, read_run
from corral.events import Notice
from corral.permissions.chain import call_matches_rule
from corral.permissions.rules import parse_rule
from corral.permissions.session import permission_context

if TYPE_CHECKING:
    from corral.session import Session
    from corral.tools.base import ToolCall


def matching_hooks(session: Session, event: str, match: str | None,
                   call: ToolCall | None = None) -> list[ConfiguredHook]:
    """The hooks ``event`` runs for ``match`` (a tool name, a source …) and, on tool
    events, whose ``if`` rule covers ``call``; each command once."""
    chosen: list[ConfiguredHook] = []
    commands: set[str] = set()
    for hook in hook_table(session).for_event(event):
        if not matches(hook.matcher, match) or hook.command in commands:
            continue
        if hook.if_rule is not None and call is not None and not _covers(session, hook, call):
            continue
        commands.add(hook.command)
        chosen.append(hook)
    return chosen


def _covers(session: Session, hook: ConfiguredHook, call: ToolCall) -> bool:
    """Whether the hook's ``if`` rule covers ``call`` (checked when the table was read)."""
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
    data = msgspec.json.encode(payload(session, event, fields))
    env = hook_env(session)
    cwd = str(session.cwd)

    for hook in hooks:
        if hook.status_message:
            await session.emit(Notice(level="info", text=hook.status_message,
                                      data={"hook_event": event, "command": hook.command,
                                            "status_message": True}))

    async def one(hook: ConfiguredHook) -> HookRun:
        result = await run_command(hook.command, data, cwd=cwd, env=env, timeout=hook.timeout)
        return read_run(hook, result)

    runs = await asyncio.gather(*(one(h) for h in hooks))
    for run in runs:
        await session.emit(notice_for(run))
        reply = run.reply
        if reply is not None and reply.system_message:
            await session.emit(Notice(level="warning", text=reply.system_message,
                                      data={"hook_event": event, "command": run.hook.command,
                                            "system_message": True}))
    return list(runs)


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
