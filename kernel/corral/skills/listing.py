"""The skill listing in the system prompt: names and descriptions within a character budget.

Only what the model needs to choose a skill goes here; the instructions themselves come when
the model calls the ``Skill`` tool (progressive disclosure). When the listing would pass the
budget, long descriptions are cut first, then skills are named without a description, then
only counted; the listing says what it left out, and the ``Skill`` tool still loads any
skill by name.
"""

from __future__ import annotations

from corral.skills.model import Skill

#: Characters of the listing when the settings say nothing.
DEFAULT_BUDGET = 8000
#: A description longer than this is cut when the full listing does not fit.
SHORT_DESCRIPTION = 200

INTRO = (
    "Skills are folders of instructions, and files such as scripts and references, for "
    "particular tasks. When a task matches a skill's description, call the Skill tool with "
    "the skill's name before starting; it returns the instructions and the skill's folder, "
    "from which you read further files only when the instructions call for them. "
    "The user may also run a skill as /name.\n"
)


def _line(skill: Skill, limit: int | None = None) -> str:
    text = skill.description or "(no description)"
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"- {skill.name}: {text}\n"


def render_listing(skills: list[Skill], budget: int = DEFAULT_BUDGET) -> str:
    """The listing of ``skills`` (in precedence order) in at most ``budget`` characters,
    give or take the closing note; empty when there is nothing to list."""
    if not skills:
        return ""
    full = INTRO + "".join(_line(s) for s in skills)
    if len(full) <= budget:
        return full.rstrip("\n")
    out = INTRO
    cut = 0
    listed = 0
    for skill in skills:
        line = _line(skill, SHORT_DESCRIPTION)
        if len(out) + len(line) > budget:
            break
        cut += len(line) < len(_line(skill))
        out += line
        listed += 1
    rest = skills[listed:]
    notes: list[str] = []
    if cut:
        notes.append(f"{cut} description(s) above were shortened to fit the listing's budget "
                     f"of {budget} characters")
    if rest:
        names: list[str] = []
        room = max(budget - len(out), 200)
        for skill in rest:
            if sum(len(n) + 2 for n in names) + len(skill.name) > room:
                break
            names.append(skill.name)
        more = len(rest) - len(names)
        text = f"{len(rest)} more skill(s) are not described here for lack of room"
        if names:
            text += ": " + ", ".join(names)
        if more:
            text += f" and {more} more"
        notes.append(text + "; load one with the Skill tool by name")
    return (out + "".join(f"({n}.)\n" for n in notes)).rstrip("\n")
