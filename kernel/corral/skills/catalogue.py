"""A session's skills, found once and kept in its stash."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral.skills.discover import Catalogue, load_catalogue
from corral.skills.model import SkillDir
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

#: The session's skills, loaded on first use.
CATALOGUE: StashKey[Catalogue] = StashKey("skills")


def existing_dirs(session: Session) -> list[SkillDir]:
    """The skill folders every plugin (the kernel's own included) offers that exist."""
    return [d for _, d in session.app.host.skill_dirs(session) if d.path.is_dir()]


def session_catalogue(session: Session, dirs: list[SkillDir] | None = None) -> Catalogue:
    """The session's skills; ``dirs`` saves asking the plugins again when the caller has
    already asked."""
    cached = session.stash.get(CATALOGUE)
    if cached is None:
        cached = load_catalogue(existing_dirs(session) if dirs is None else dirs)
        session.stash[CATALOGUE] = cached
    return cached
