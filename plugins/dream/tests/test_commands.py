"""``corral dream``, ``/dream`` and the automatic dream at session end."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from corral.api import App, MemoryStore, Session
from corral.cli import main
from corral_dream.gates import GateResult
from corral_dream.keys import RESULT
from corral_dream.report import Report

from .conftest import entry


def test_cli_json_report_and_progress(project: Path, fill, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    store = fill(entry("Tabs are banned.", importance=4), entry("tabs are banned"))
    monkeypatch.chdir(project)
    assert main(["dream", "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["counts"]["prune"] == 1 and data["entries_after"] == 1 and data["committed"]
    assert "dream: prune: 2 entries" in err and "dream: synthesize:" in err
    assert len(store.load()) == 1


def test_cli_dry_run_shows_the_diff(project: Path, fill, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    store = fill(entry("We cut the release yesterday.", days_old=2))
    before = store.topic_path("project").read_bytes()
    monkeypatch.chdir(project)
    assert main(["dream", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dream would change 1 entries")
    assert "    - We cut the release yesterday." in out and "    + We cut the release on " in out
    assert store.topic_path("project").read_bytes() == before


def test_slash_command_returns_a_renderable(project: Path, fill) -> None:
    import io

    from rich.console import Console

    fill(entry("Tabs are banned.", importance=4), entry("tabs are banned"))
    app = App.create(cwd=project, environ={})
    commands = {c.name: c for _, c in app.host.register_commands()}
    result = asyncio.run(commands["dream"].run(Session(app, cwd=project), "--dry-run"))
    assert isinstance(result, Report) and result.dry_run
    console = Console(file=io.StringIO(), width=120)
    console.print(result)
    assert "dream would change 1 entries" in console.file.getvalue()  # type: ignore[attr-defined]


def test_session_end_starts_a_background_dream(project: Path, fill) -> None:
    from corral.api import project_dir

    store = fill(entry("Tabs are banned.", importance=4), entry("tabs are banned"))
    (project / ".claude" / "corral.toml").write_text(
        "[plugins.dream]\nmin_sessions = 1\n")
    app = App.create(cwd=project, environ={})
    session = Session(app, cwd=project)
    session.open_transcript()
    from corral.events import AssistantMessage

    assert session.transcript is not None  # a session that got a model answer counts
    session.transcript.write(AssistantMessage(content=[{"type": "text", "text": "ok"}],
                                              stop_reason="end_turn", model="m"))
    started = time.perf_counter()
    asyncio.run(session.end())
    assert time.perf_counter() - started < 5  # returns without waiting for the dream
    assert str(session.stash[RESULT]).startswith("dreaming in pid")
    log = store.root / "dream-log.md"
    deadline = time.time() + 30
    while time.time() < deadline and not log.exists():
        time.sleep(0.1)
    assert "(auto)" in log.read_text()
    assert [e.text for e in MemoryStore.for_project(project).load()] == ["Tabs are banned."]
    assert (project_dir(project) / f"{session.id}.jsonl").exists()


def test_session_end_respects_the_gates(project: Path, fill) -> None:
    fill(entry("a fact"))
    app = App.create(cwd=project, environ={})
    session = Session(app, cwd=project)
    asyncio.run(session.end())
    result = session.stash[RESULT]
    assert isinstance(result, GateResult) and result.gate == "sessions"


def test_dry_run_report_says_what_would_happen_to_claude_md() -> None:
    import io

    from corral_dream.report import Report
    from rich.console import Console

    report = Report(root="/x", started=0.0, dry_run=True, claude_md="added")
    out = io.StringIO()
    Console(file=out, width=100).print(report)
    shown = out.getvalue()
    assert "CLAUDE.md section would be added" in shown
    assert "section: added" not in shown
    assert "would be added" in report.markdown()
    done = Report(root="/x", started=0.0, claude_md="added")
    out = io.StringIO()
    Console(file=out, width=100).print(done)
    assert "CLAUDE.md section: added" in out.getvalue()
