"""Finding skills: the project's, the user's and every plugin's skill folders, in that order
of precedence.

A skill name found twice keeps the first (project over user over plugin) and the other is
reported as shadowed. Plugin skills are named ``PLUGIN:skill`` and answer to their short name
when no other skill has it.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from corral.skills.model import Skill, SkillDir, SkillProblem
from corral.skills.parse import parse_skill

SKILL_FILE = "SKILL.md"


class Catalogue(msgspec.Struct, kw_only=True):
    """The skills of one session (or one ``corral skills`` run), and what failed to load."""

    skills: dict[str, Skill] = msgspec.field(default_factory=dict)
    problems: list[SkillProblem] = msgspec.field(default_factory=list)
    dirs: list[SkillDir] = msgspec.field(default_factory=list)

    def find(self, name: str) -> Skill | None:
        """The skill called ``name`` (a leading ``/`` ignored), or a plugin skill whose short
        name it is when exactly one has it."""
        name = name.strip().lstrip("/")
        skill = self.skills.get(name)
        if skill is not None:
            return skill
        short = [s for s in self.skills.values() if s.name.rpartition(":")[2] == name]
        return short[0] if len(short) == 1 else None

    def for_model(self) -> list[Skill]:
        return [s for s in self.skills.values() if not s.disable_model_invocation]


def _prefix(source: str) -> str:
    kind, _, name = source.partition(":")
    return f"{name}:" if kind == "plugin" and name else ""


def load_catalogue(dirs: list[SkillDir]) -> Catalogue:
    """Every skill under ``dirs`` (highest precedence first)."""
    catalogue = Catalogue(dirs=list(dirs))
    seen: set[Path] = set()
    for skill_dir in dirs:
        root = skill_dir.path
        try:
            resolved = root.resolve()
            entries = sorted(root.iterdir()) if root.is_dir() else []
        except OSError as exc:
            catalogue.problems.append(SkillProblem(file=str(root), line=1,
                                                   message=f"cannot list the folder: {exc}"))
            continue
        if resolved in seen:
            continue
        seen.add(resolved)
        for entry in entries:
            file = entry / SKILL_FILE
            if not file.is_file():
                continue
            skill, problems = parse_skill(file, skill_dir.source, _prefix(skill_dir.source))
            catalogue.problems += problems
            if skill is None:
                continue
            first = catalogue.skills.get(skill.name)
            if first is not None:
                catalogue.problems.append(SkillProblem(
                    file=skill.file, line=1, severity="warning",
                    message=f"skill {skill.name!r} is shadowed by {first.file} "
                    f"({first.source}), which is used instead"))
                continue
            catalogue.skills[skill.name] = skill
    return catalogue
