"""Skills as a built-in plugin: the project's and the user's skill folders, the skill listing
in the system prompt, the ``Skill`` tool, ``/skills`` and ``corral skills``.

Imported on every run: it imports nothing of :mod:`corral.skills` until a skill folder exists,
so a run without skills does a few ``stat`` calls and nothing more.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from corral import hookimpl
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session
    from corral.skills.discover import Catalogue
    from corral.skills.model import SkillDir

#: The skill folders that exist, asked for once per session (empty: the session has none).
_DIRS: StashKey[list[SkillDir]] = StashKey("skill_dirs")


def kernel_roots(session: Session) -> list[tuple[Path, str]]:
    """The kernel's skill folders, highest precedence first: the project's, then corral's
    user folder, then ``~/.claude/skills``."""
    from corral import paths

    return [
        (paths.project_root(session.cwd) / ".claude" / "skills", "project"),
        (paths.user_config_dir() / "skills", "user"),
        (paths.claude_user_dir() / "skills", "user"),
    ]


@hookimpl(tryfirst=True)
def corral_skill_dirs(session: Session) -> list[SkillDir] | None:
    found = [(path, source) for path, source in kernel_roots(session) if path.is_dir()]
    if not found:
        return None
    from corral.skills.model import SkillDir

    return [SkillDir(path, source) for path, source in found]


def catalogue(session: Session) -> Catalogue | None:
    """The session's skills, or ``None`` when no skill folder exists (nothing imported)."""
    dirs = session.stash.get(_DIRS)
    if dirs is None:
        dirs = [d for _, d in session.app.host.skill_dirs(session) if d.path.is_dir()]
        session.stash[_DIRS] = dirs
    if not dirs:
        return None
    from corral.skills.catalogue import session_catalogue

    return session_catalogue(session, dirs)
