"""Prompt and agent hooks: the model decides, answering ``{"ok": true}`` or
``{"ok": false, "reason": "..."}``.

A ``prompt`` hook sends its prompt (``$ARGUMENTS`` replaced by the hook input JSON, or the
input appended when the prompt does not name it) to the model in one request; an ``agent``
hook gives it to a small sub-agent that may read the project (Read, Grep, Glob) before it
answers. ``ok: false`` acts as a command hook's exit 2 with the reason on stderr: it blocks a
tool call, a prompt, or sends the model back to work from Stop. An answer that is not that
JSON is a reported error that blocks nothing, as for a command hook.

The engine puts the runner under :data:`~corral.cmdhooks.presence.MODEL_HOOKS` in each session
it drives; command hooks do not fire inside a hook's own agent
(:data:`~corral.cmdhooks.presence.NO_HOOKS`), so a hook cannot recurse.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Protocol

from corral.cmdhooks._process import ProcessResult
from corral.cmdhooks.presence import MODEL_HOOKS

if TYPE_CHECKING:
    from corral.cmdhooks.config import ConfiguredHook
    from corral.session import Session


class ModelHookRunner(Protocol):
    """Runs a prompt or agent hook's ``prompt`` and returns the model's final text."""

    async def __call__(self, session: Session, hook: ConfiguredHook, prompt: str) -> str: ...


_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def render_prompt(template: str, hook_input: str) -> str:
    """The hook's prompt with ``$ARGUMENTS`` replaced by the input JSON (appended when the
    template does not name it)."""
    if "$ARGUMENTS" in template:
        return template.replace("$ARGUMENTS", hook_input)
    return f"{template}\n\nHook input (JSON):\n{hook_input}"


def read_verdict(text: str) -> tuple[bool, str]:
    """``(ok, reason)`` from the model's answer; ``ValueError`` when it is not the JSON."""
    found = _OBJECT.search(text)
    if found is None:
        raise ValueError("the model did not answer with a JSON object")
    import json  # only a prompt or agent hook's answer needs it

    try:
        data = json.loads(found.group(0))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the model's JSON does not decode: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
        raise ValueError('the model\'s JSON has no boolean "ok"')
    reason = data.get("reason")
    return data["ok"], reason if isinstance(reason, str) else ""


async def run_model_hook(session: Session, hook: ConfiguredHook, hook_input: bytes) -> ProcessResult:
    """Run a prompt or agent hook; its verdict as a process result (``ok: false`` is exit 2
    with the reason on stderr)."""
    start = time.monotonic()
    runner = session.stash.get(MODEL_HOOKS)
    if runner is None:
        return ProcessResult(exit_code=None, error=f"a {hook.kind} hook needs a model, and "
                             "this session has none")
    prompt = render_prompt(hook.command, hook_input.decode("utf-8"))
    try:
        async with asyncio.timeout(hook.timeout):
            answer = await runner(session, hook, prompt)
    except TimeoutError:
        return ProcessResult(exit_code=None, timed_out=True, duration_ms=_ms(start))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a failed model request is a reported, non-blocking error
        return ProcessResult(exit_code=None, error=f"the model request failed: {exc}",
                             duration_ms=_ms(start))
    try:
        ok, reason = read_verdict(answer)
    except ValueError as exc:
        cut = answer.strip()[:200]
        return ProcessResult(exit_code=1, stderr=f"{exc} (it said: {cut!r})",
                             duration_ms=_ms(start))
    if ok:
        return ProcessResult(exit_code=0, duration_ms=_ms(start))
    return ProcessResult(exit_code=2, stderr=reason or f"the {hook.kind} hook said no",
                         duration_ms=_ms(start))


def _ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)
