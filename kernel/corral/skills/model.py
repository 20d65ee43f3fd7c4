"""The data of skills: where they are found, what one says, and what failed to load."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import msgspec


class SkillDir(msgspec.Struct, frozen=True):
    """A folder of skills: each ``<path>/<name>/SKILL.md`` is one skill.

    ``source`` labels where the folder comes from in listings (``project``, ``user``,
    ``plugin:NAME``). Skills from a ``plugin:NAME`` source are named ``NAME:skill``.
    """

    path: Path
    source: str


class Skill(msgspec.Struct, frozen=True, kw_only=True):
    """One loaded skill. ``body`` is the SKILL.md text after its frontmatter."""

    name: str
    description: str
    #: The ``SKILL.md`` file and the folder holding it (bundled files live there).
    file: str
    folder: str
    source: str
    body: str
    allowed_tools: list[str] = msgspec.field(default_factory=list)
    model: str | None = None
    #: Hidden from the model (still runs as ``/name``).
    disable_model_invocation: bool = False
    #: Shown to the user as ``/name`` (``user-invocable: false`` hides it there).
    user_invocable: bool = True
    license: str | None = None
    argument_hint: str = ""
    #: Frontmatter keys corral does not act on, kept as written.
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class SkillProblem(msgspec.Struct, frozen=True, kw_only=True):
    """A skill that failed to load (``error``) or loaded with something to fix (``warning``)."""

    file: str
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"
