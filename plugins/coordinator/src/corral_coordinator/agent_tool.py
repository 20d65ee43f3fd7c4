"""The ``Agent`` tool: the model hands a task to a sub-agent and gets its answer back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from corral.api import Tool, ToolResult

from corral_coordinator._state import catalogue_of, settings_of, state_of
from corral_coordinator.subagent import run_subagent

if TYPE_CHECKING:
    import asyncio

    from corral.api import Session


class AgentInput(msgspec.Struct, kw_only=True):
    description: Annotated[
        str, msgspec.Meta(description="A short (3-5 word) label for the task, shown to the user.")
    ]
    prompt: Annotated[
        str,
        msgspec.Meta(
            description="The full task for the sub-agent. It sees nothing of this conversation, "
            "so include every detail it needs and say what its answer should contain."
        ),
    ]
    subagent_type: Annotated[
        str, msgspec.Meta(description="Which agent to run; the system prompt lists them.")
    ] = "general-purpose"
    model: (
        Annotated[
            str,
            msgspec.Meta(description="Model alias or id for this run (default: the agent's own, "
                         "else yours)."),
        ]
        | None
    ) = None


class AgentTool(Tool):
    name = "Agent"
    aliases = ("Task",)
    description = (
        "Hand a self-contained task to a sub-agent that works on its own, with its own tools and "
        "instructions, and returns one final answer. Use it for broad searches, independent "
        "pieces of work, or a second opinion, so your own context stays small. Several Agent "
        "calls in one message run at the same time. The sub-agent cannot see this conversation: "
        "write the prompt so it stands alone. Its answer is not shown to the user; pass on what "
        "matters."
    )
    input_type = AgentInput
    concurrency_safe = True

    async def run(self, session: Session, params: Any) -> ToolResult:
        assert isinstance(params, AgentInput)
        catalogue = catalogue_of(session)
        definition = catalogue.get(params.subagent_type)
        if definition is None:
            known = ", ".join(sorted(catalogue.agents)) or "none"
            return ToolResult(
                content=f"Unknown subagent_type {params.subagent_type!r}. Available: {known}.",
                is_error=True,
            )
        async with _slots(session):
            return await run_subagent(
                session, definition, params.prompt, description=params.description,
                model=params.model,
            )


def _slots(session: Session) -> asyncio.Semaphore:
    import asyncio

    state = state_of(session)
    if state.slots is None:
        state.slots = asyncio.Semaphore(max(1, settings_of(session).max_parallel))
    return state.slots
