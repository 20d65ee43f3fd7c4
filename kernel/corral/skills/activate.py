"""What running a skill does: its text for the model, and its ``allowed-tools`` and ``model``
in force until the turn ends.

A skill runs when the model calls the ``Skill`` tool or the user types ``/name [args]``.
Either way its ``allowed-tools`` rules are added to the session's turn-only allow rules
(:data:`corral.permissions.session.TURN_ALLOW`) and its ``model`` is used for the rest of
the turn; both are undone when the turn ends (the built-in ``skills`` plugin watches for
:class:`corral.events.TurnEnded`). Deny and ask rules still apply to every call.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import msgspec

from corral.permissions.session import TURN_ALLOW, reset_permission_context
from corral.skills.model import Skill
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

#: At most this many bundled files are named in a skill's text (the rest are counted).
MAX_FILES = 40


class Active(msgspec.Struct, kw_only=True):
    """The skills active in the current turn and what to restore when it ends."""

    names: list[str] = msgspec.field(default_factory=list)
    sources: list[str] = msgspec.field(default_factory=list)
    saved_model: str | None = None


#: Set while a skill is active in the current turn.
ACTIVE: StashKey[Active] = StashKey("active_skills")


def substitute(body: str, args: str, folder: str, session_id: str) -> str:
    """``${CLAUDE_SKILL_DIR}`` (the skill's folder), ``${CLAUDE_SESSION_ID}``,
    ``$ARGUMENTS[N]`` (the N-th argument from 0, shell quoting respected; empty when there is
    none) and ``$ARGUMENTS`` (all of them) replaced. When the body names no argument and
    there are arguments, they are added at the end as ``ARGUMENTS: …``."""
    import re
    import shlex

    body = body.replace("${CLAUDE_SKILL_DIR}", folder).replace("${CLAUDE_SESSION_ID}",
                                                                 session_id)
    uses = "$ARGUMENTS" in body
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()

    def nth(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return words[index] if index < len(words) else ""

    body = re.sub(r"\$ARGUMENTS\[(\d+)\]", nth, body).replace("$ARGUMENTS", args)
    if args and not uses:
        body += f"\n\nARGUMENTS: {args}"
    return body


def skill_text(skill: Skill, args: str = "", session_id: str = "") -> str:
    """What the model reads when the skill runs: where it lives, its bundled files, and its
    instructions with the arguments and the skill's folder filled in (:func:`substitute`)."""
    body = substitute(skill.body.strip("\n"), args, skill.folder, session_id)
    files = bundled_files(skill.folder)
    head = [f'<skill name="{skill.name}">',
            f"Skill folder: {skill.folder}",
            "Paths in these instructions are relative to the skill folder; read or run "
            "those files only when the instructions call for them."]
    if files:
        head.append("Files in the skill folder: " + ", ".join(files))
    return "\n".join(head) + "\n\n" + body + "\n</skill>"


def bundled_files(folder: str) -> list[str]:
    """The files of a skill folder besides SKILL.md, relative, sorted (hidden ones left
    out), at most :data:`MAX_FILES` and a count of the rest."""
    found: list[str] = []
    more = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.startswith(".") or (root == folder and name == "SKILL.md"):
                continue
            if len(found) >= MAX_FILES:
                more += 1
                continue
            found.append(os.path.relpath(os.path.join(root, name), folder))
    if more:
        found.append(f"and {more} more")
    return found


def activate(session: Session, skill: Skill) -> None:
    """Put the skill's ``allowed-tools`` and ``model`` in force until the turn ends."""
    active = session.stash.get(ACTIVE)
    if active is None:
        active = Active(saved_model=session.model)
        session.stash[ACTIVE] = active
    active.names.append(skill.name)
    if skill.allowed_tools:
        source = f"{skill.file} (allowed-tools of skill {skill.name})"
        active.sources.append(source)
        rules = [(rule, source) for rule in skill.allowed_tools]
        session.stash[TURN_ALLOW] = [*(session.stash.get(TURN_ALLOW) or []), *rules]
        reset_permission_context(session)
    if skill.model and skill.model not in ("inherit", "default"):
        session.model = session.config.resolve_model(skill.model)


def deactivate(session: Session) -> list[str]:
    """Undo every skill of the turn now ending; the names of those that were active."""
    active = session.stash.pop(ACTIVE)
    if active is None:
        return []
    if active.sources:
        rules = session.stash.get(TURN_ALLOW) or []
        session.stash[TURN_ALLOW] = [r for r in rules if r[1] not in active.sources]
        reset_permission_context(session)
    if active.saved_model is not None:
        session.model = active.saved_model
    return active.names
