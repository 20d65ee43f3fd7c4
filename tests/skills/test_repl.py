"""``/skills`` and ``/name`` in the REPL's slash table."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from types import SimpleNamespace

from corral.app import App
from corral.cli.slash import SlashTable
from corral.session import Session
from rich.console import Console

from tests.skills._kit import BROKEN, NOTES, write_skill


def table(project: Path) -> tuple[SlashTable, io.StringIO]:
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    out = io.StringIO()
    repl = SimpleNamespace(app=app, session=Session(app), console=Console(file=out, width=300))
    return SlashTable(repl), out  # type: ignore[arg-type]


def test_slash_skills_lists_skills_and_problems_and_slash_name_runs_one(project: Path) -> None:
    root = project / ".claude" / "skills"
    write_skill(root, "release-notes", NOTES)
    write_skill(root, "quiet", "---\ndescription: model only\nuser-invocable: false\n---\nQ\n")
    broken = write_skill(root, "broken", BROKEN)
    slash, out = table(project)
    assert asyncio.run(slash.run("/skills")) == ("none", "")
    shown = out.getvalue()
    assert "release-notes (project)" in shown and "Write release notes" in shown
    assert f"{broken}:" in shown and "error: invalid YAML" in shown
    assert asyncio.run(slash.run("/release-notes v2")) == ("prompt", "/release-notes v2")
    # user-invocable: false keeps it off the slash table
    assert asyncio.run(slash.run("/quiet")) == ("none", "")
    assert "unknown command /quiet" in out.getvalue()
    asyncio.run(slash.help(""))
    assert "/release-notes" in out.getvalue() and "(skill)" in out.getvalue()
    assert "release-notes" in slash.names() and "quiet" not in slash.names()


def test_without_skills_the_table_has_only_slash_skills(project: Path) -> None:
    slash, out = table(project)
    assert slash.skill_names() == {}
    asyncio.run(slash.run("/skills"))
    assert "no skills found" in out.getvalue()
