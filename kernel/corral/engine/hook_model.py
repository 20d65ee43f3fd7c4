"""The model behind prompt and agent hooks (:mod:`corral.cmdhooks.model_hooks`).

A prompt hook is one request through the engine's own request path (its client or provider,
its retries, its usage and cost accounting), with no tools. An agent hook runs a child
session limited to the read tools for at most :data:`AGENT_MAX_TURNS` requests; command
hooks do not fire inside it. Both use the hook's ``model`` when it names one, else the
session's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.cmdhooks.presence import MODEL_HOOKS, NO_HOOKS, SUBAGENT_ORIGIN

if TYPE_CHECKING:
    from corral.cmdhooks.config import ConfiguredHook
    from corral.engine.loop import Engine
    from corral.session import Session

#: The tools a hook's agent may use.
AGENT_TOOLS = ("Read", "Grep", "Glob")
#: Model requests a hook's agent may make.
AGENT_MAX_TURNS = 20
MAX_TOKENS = 1024

_ANSWER = ('Answer with one JSON object and nothing else: {"ok": true} when the condition '
           'holds and the action may go on, or {"ok": false, "reason": "<why, in a sentence '
           'the assistant can act on>"} when it must not.')
_PROMPT_SYSTEM = ("You check one condition for a coding assistant's hook. You see the "
                  "condition and the event's data as JSON. " + _ANSWER)
_AGENT_SYSTEM = ("You are a checker run by a hook of a coding assistant. Use the read tools "
                 "to look at the project as much as the condition needs, change nothing, "
                 "then end your work with your verdict. " + _ANSWER)


class HookModel:
    """Runs prompt and agent hooks for the sessions one engine drives."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def __call__(self, session: Session, hook: ConfiguredHook, prompt: str) -> str:
        if hook.kind == "agent":
            return await self._agent(session, hook, prompt)
        return await self._prompt(session, hook, prompt)

    async def _prompt(self, session: Session, hook: ConfiguredHook, prompt: str) -> str:
        model = session.config.resolve_model(hook.model) if hook.model else session.model
        reply = await self.engine.side_request({
            "model": model, "max_tokens": MAX_TOKENS, "system": _PROMPT_SYSTEM,
            "messages": [{"role": "user", "content": prompt}],
        })
        return "".join(str(b.get("text", "")) for b in reply.content if b.get("type") == "text")

    async def _agent(self, session: Session, hook: ConfiguredHook, prompt: str) -> str:
        tools = {name: tool for name, tool in session.tools.items() if name in AGENT_TOOLS}
        child = session.child("hook-agent", model=hook.model, max_turns=AGENT_MAX_TURNS,
                              append_system_prompt=_AGENT_SYSTEM, tools=tools)
        child.stash[NO_HOOKS] = True
        engine = type(self.engine)(child, client=self.engine.client, owns_client=False)
        try:
            await child.start()
            outcome = await engine.run_turn(prompt, origin=SUBAGENT_ORIGIN)
        finally:
            await child.end()
            await engine.aclose()
        if outcome.is_error:
            raise RuntimeError(f"the hook's agent ended with {outcome.subtype}: "
                               f"{outcome.result[:200]}")
        return outcome.result


def attach_hook_model(engine: Engine) -> None:
    """Let the prompt and agent hooks of ``engine``'s session ask the model through it."""
    engine.session.stash[MODEL_HOOKS] = HookModel(engine)
