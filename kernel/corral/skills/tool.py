"""The ``Skill`` tool: the model loads a skill's instructions by name.

Input ``skill`` (the older ``command`` is accepted too) and optional ``args``. The result is
the SKILL.md body and the skill's folder, so the files bundled with it are read on demand;
the skill's ``allowed-tools`` and ``model`` then hold for the rest of the turn
(:mod:`corral.skills.activate`). Skills marked ``disable-model-invocation`` are refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from corral.permissions.rules import skill_name
from corral.skills.activate import activate, skill_text
from corral.tools.base import Tool, ToolResult

if TYPE_CHECKING:
    from corral.session import Session

TOOL_NAME = "Skill"


class SkillInput(msgspec.Struct, kw_only=True):
    skill: str | None = None
    #: The name older models send the skill under.
    command: str | None = None
    args: str | None = None


class SkillTool(Tool):
    name = TOOL_NAME
    description = (
        "Load a skill: its instructions, and the folder holding its files. Skills are listed "
        "by name and description in the system prompt; call this with the name of one whose "
        "description fits the task before doing the task, then follow its instructions. "
        "'args' passes text to the skill (what the user asked it to work on)."
    )
    input_type = SkillInput
    concurrency_safe = True
    read_only = True

    @classmethod
    def input_schema(cls) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "skill": {"type": "string",
                          "description": "The skill's name, as listed (e.g. 'pdf')."},
                "args": {"type": "string", "description": "Optional arguments for the skill."},
            },
            "required": ["skill"],
        }

    async def run(self, session: Session, params: Any) -> ToolResult:
        from corral.skills.catalogue import session_catalogue

        name = skill_name(msgspec.to_builtins(params))
        if not name:
            return ToolResult(content="Give the skill's name in 'skill'.", is_error=True)
        catalogue = session_catalogue(session)
        skill = catalogue.find(name)
        if skill is None:
            known = ", ".join(s.name for s in catalogue.for_model()) or "none"
            return ToolResult(content=f"No skill named {name!r}. Skills: {known}.",
                              is_error=True)
        if skill.disable_model_invocation:
            return ToolResult(content=f"Skill {skill.name!r} runs only when the user types "
                              f"/{skill.name}; it is not for the model to load.", is_error=True)
        activate(session, skill)
        return ToolResult(content=skill_text(skill, (params.args or "").strip(), session.id),
                          meta={"skill": skill.name, "folder": skill.folder,
                                "source": skill.source})
