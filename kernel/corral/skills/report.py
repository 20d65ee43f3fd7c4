"""``corral skills [--json]``, ``/skills`` and the doctor's skill checks: what was found,
where, and what failed to load (file:line)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

import msgspec

from corral.skills.catalogue import session_catalogue
from corral.skills.discover import Catalogue

if TYPE_CHECKING:
    from corral.app import App
    from corral.commands import DoctorCheck
    from corral.session import Session


class SkillInfo(msgspec.Struct, kw_only=True):
    """One row of ``corral skills --json``."""

    name: str
    description: str
    source: str
    path: str
    model_invocable: bool
    user_invocable: bool
    allowed_tools: list[str]
    model: str | None
    license: str | None
    #: The command of the same name that ``/name`` runs instead, if any.
    shadowed_by_command: str | None = None


class ProblemInfo(msgspec.Struct, kw_only=True):
    file: str
    line: int
    severity: str
    message: str


class SkillsReport(msgspec.Struct, kw_only=True):
    skills: list[SkillInfo]
    problems: list[ProblemInfo]
    #: The skill folders searched that exist, highest precedence first.
    dirs: list[dict[str, str]]


def command_names(session: Session) -> dict[str, str]:
    """Commands that win over a skill's ``/name``: plugins' slash commands (by plugin) and
    custom Markdown commands (by file)."""
    from corral.custom_commands import session_commands

    names = {command.name: f"plugin {plugin}"
             for plugin, command in session.app.host.register_commands(session)}
    commands, _ = session_commands(session)
    names.update({name: command.source for name, command in commands.items()})
    return names


def build_report(session: Session, catalogue: Catalogue | None = None) -> SkillsReport:
    catalogue = catalogue or session_catalogue(session)
    commands = command_names(session) if catalogue.skills else {}
    skills = [
        SkillInfo(name=s.name, description=s.description, source=s.source, path=s.file,
                  model_invocable=not s.disable_model_invocation,
                  user_invocable=s.user_invocable, allowed_tools=list(s.allowed_tools),
                  model=s.model, license=s.license,
                  shadowed_by_command=commands.get(s.name))
        for s in catalogue.skills.values()
    ]
    problems = [ProblemInfo(file=p.file, line=p.line, severity=p.severity, message=p.message)
                for p in catalogue.problems]
    dirs = [{"path": str(d.path), "source": d.source} for d in catalogue.dirs]
    return SkillsReport(skills=skills, problems=problems, dirs=dirs)


def report_lines(report: SkillsReport) -> list[str]:
    """The report as plain lines (no markup), for the terminal and the REPL."""
    lines: list[str] = []
    if not report.skills and not report.problems:
        lines.append("no skills found (folders searched: <project>/.claude/skills, the user's "
                     "corral skills folder, ~/.claude/skills, and plugins' folders)")
    for s in report.skills:
        flags = []
        if not s.model_invocable:
            flags.append("user only")
        if not s.user_invocable:
            flags.append("model only")
        if s.shadowed_by_command:
            flags.append(f"/{s.name} runs the command {s.shadowed_by_command}")
        extra = f" [{'; '.join(flags)}]" if flags else ""
        lines.append(f"{s.name} ({s.source}){extra}")
        lines.append(f"    {_short(s.description)}")
        lines.append(f"    {s.path}")
    for p in report.problems:
        lines.append(f"{p.file}:{p.line}: {p.severity}: {p.message}")
    return lines


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="one JSON object: skills, problems, folders")


def run(args: argparse.Namespace, app: App) -> int:
    """``corral skills``: exit 0, or 1 when a skill failed to load."""
    from corral.session import Session

    report = build_report(Session(app))
    if args.json:
        sys.stdout.write(msgspec.json.encode(report).decode() + "\n")
    else:
        sys.stdout.write("".join(line + "\n" for line in report_lines(report)))
    return 1 if any(p.severity == "error" for p in report.problems) else 0


def doctor_checks(app: App) -> list[DoctorCheck]:
    from corral.commands import DoctorCheck
    from corral.session import Session

    report = build_report(Session(app))
    checks = [DoctorCheck(ok=p.severity != "error",
                          text=f"{p.file}:{p.line}: {p.severity}: {p.message}")
              for p in report.problems]
    if report.skills:
        checks.insert(0, DoctorCheck(ok=True, text=f"{len(report.skills)} skill(s) loaded"))
    return checks


def slash_text(session: Session, _args: str) -> Any:
    return "\n".join(report_lines(build_report(session)))
