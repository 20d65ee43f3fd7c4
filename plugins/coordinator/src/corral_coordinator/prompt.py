"""The system-prompt section that tells the model which sub-agents it can start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.api import PromptSection

from corral_coordinator._state import catalogue_of

if TYPE_CHECKING:
    from corral.api import Session


def agents_section(session: Session) -> PromptSection:
    lines = ["Sub-agents you can start with the Agent tool (subagent_type: when to use it):"]
    for agent in sorted(catalogue_of(session).agents.values(), key=lambda a: a.name):
        description = " ".join(agent.description.split())
        if len(description) > 300:
            description = description[:297] + "..."
        lines.append(f"- {agent.name}: {description}")
    lines.append("Start several in one message when their tasks are independent; they run at "
                 "the same time.")
    return PromptSection(name="agents", text="\n".join(lines), scope="session")
