"""Skills as a built-in plugin: the project's and the user's skill folders, the skill listing
in the system prompt, the ``Skill`` tool, ``/skills`` and ``corral skills``.

Imported on every run: it imports nothing of :mod:`corral.skills` until a skill folder exists,
so a run without skills does a few ``stat`` calls and nothing more.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from corral import hookimpl
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.app import App
    from corral.commands import CliCommand, DoctorCheck, SlashCommand
    from corral.events import Event
    from corral.prompt import PromptSection
    from corral.session import Session
    from corral.skills.discover import Catalogue
    from corral.skills.model import SkillDir
    from corral.tools.base import Tool

#: The skill folders that exist, asked for once per session (empty: the session has none).
_DIRS: StashKey[list[SkillDir]] = StashKey("skill_dirs")


def kernel_roots(session: Session) -> list[tuple[Path, str]]:
    """The kernel's skill folders, highest precedence first: the project's, those of the
    additional working directories (``--add-dir``, ``additionalDirectories``) in the order
    given, then corral's user folder, then ``~/.claude/skills``."""
    from corral import paths

    added = [Path(session.cwd, Path(d).expanduser()) / ".claude" / "skills"
             for d in session.config.permissions.additional_directories]
    return [
        (paths.project_root(session.cwd) / ".claude" / "skills", "project"),
        *((root, "project") for root in added),
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


class SkillSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.skills]``."""

    #: Characters of the skill listing in the system prompt (names and descriptions).
    listing_budget: int = 8000


@hookimpl
def corral_add_settings(register: Callable[[str, type[msgspec.Struct]], None]) -> None:
    register("skills", SkillSettings)


def _budget(session: Session) -> int:
    settings = session.config.plugin_settings("skills")
    return settings.listing_budget if isinstance(settings, SkillSettings) else 8000


@hookimpl
def corral_system_prompt(session: Session) -> PromptSection | None:
    found = catalogue(session)
    if found is None:
        return None
    from corral.permissions.session import removed_tools

    if removed_tools(session, ["Skill"]):
        return None
    from corral.prompt import PromptSection
    from corral.skills.listing import render_listing

    text = render_listing(found.for_model(), _budget(session))
    return PromptSection(name="skills", text=text, scope="session") if text else None


@hookimpl
def corral_register_tools(register: Callable[[Tool], None], session: Session | None) -> None:
    if session is None:
        return
    found = catalogue(session)
    if found is None or not found.for_model():
        return
    from corral.skills.tool import SkillTool

    register(SkillTool())


@hookimpl
def corral_on_event(session: Session, event: Event) -> None:
    if type(event).__name__ != "TurnEnded" or "corral.skills.activate" not in sys.modules:
        return  # no skill ever ran in this process, so none is active
    from corral.skills.activate import deactivate

    deactivate(session)


@hookimpl
def corral_register_commands(register: Callable[[SlashCommand], None]) -> None:
    from corral.commands import SlashCommand

    register(SlashCommand(name="skills", description="list the skills, where each comes from, "
                          "and skills that failed to load", run=_slash_skills))


def _slash_skills(session: Session, args: str) -> Any:
    from corral.skills.report import slash_text

    return slash_text(session, args)


@hookimpl
def corral_register_cli(register: Callable[[CliCommand], None]) -> None:
    from corral.commands import CliCommand

    register(CliCommand.lazy(
        name="skills", module="corral.skills.report",
        help="list the skills and the ones that failed to load",
        description="List every skill corral finds (project, user and plugin folders): name, "
        "source, description and path, then each skill that failed to load or loaded with a "
        "warning, as file:line. Exits 1 when a skill failed to load."))


@hookimpl
def corral_doctor(app: App) -> list[DoctorCheck] | None:
    from corral.skills.report import doctor_checks

    return doctor_checks(app) or None
