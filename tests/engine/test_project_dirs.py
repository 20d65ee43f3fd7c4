"""Transcript folders: one per project path, never shared, and old folders found and moved."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from corral.engine.transcript import Transcript, iter_transcripts, project_dir
from corral.events import SessionStarted, UserMessage
from corral.testing import MessagesServer, text


@pytest.mark.parametrize("a, b", [("my_app", "my-app"), ("a/b", "a-b"), ("x.y", "x_y")])
def test_paths_that_slug_alike_get_their_own_folders(tmp_path: Path, a: str, b: str) -> None:
    first, second = tmp_path / a, tmp_path / b
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    assert project_dir(first) != project_dir(second)
    assert project_dir(first) == project_dir(first)
    name = project_dir(first).name
    assert re.search(r"-[0-9a-f]{8,}$", name), name  # a short hash of the whole path
    assert first.name.replace("_", "-").replace(".", "-") in name  # readable


def _legacy(cwd: Path) -> Path:
    from corral import paths

    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(cwd.resolve())).strip("-")
    return paths.user_data_dir() / "projects" / slug


def _old_session(folder: Path, session_id: str, cwd: Path, prompt: str) -> None:
    log = Transcript(folder / f"{session_id}.jsonl")
    log.write(SessionStarted(session_id=session_id, cwd=str(cwd.resolve())))
    log.write(UserMessage(text=prompt, origin="user"))
    log.close()


def test_an_old_shared_folder_is_split_between_its_projects(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "my_app", tmp_path / "my-app"
    mine.mkdir()
    theirs.mkdir()
    legacy = _legacy(mine)
    assert legacy == _legacy(theirs)
    _old_session(legacy, "aaaa1111", mine, "mine")
    _old_session(legacy, "bbbb2222", theirs, "theirs")
    (legacy / "subagents" / "aaaa1111").mkdir(parents=True)
    (legacy / "subagents" / "aaaa1111" / "child.jsonl").write_text("")
    assert [p.stem for p in iter_transcripts(mine)] == ["aaaa1111"]
    assert (project_dir(mine) / "subagents" / "aaaa1111" / "child.jsonl").exists()
    assert [p.stem for p in iter_transcripts(theirs)] == ["bbbb2222"]
    assert not legacy.exists()  # emptied, then removed


def test_an_old_folder_of_one_project_moves_whole(tmp_path: Path) -> None:
    cwd = tmp_path / "solo"
    cwd.mkdir()
    legacy = _legacy(cwd)
    _old_session(legacy, "cccc3333", cwd, "hello")
    (legacy / "worktrees").mkdir()
    assert [p.stem for p in iter_transcripts(cwd)] == ["cccc3333"]
    assert (project_dir(cwd) / "worktrees").is_dir()
    assert not legacy.exists()


def test_continue_never_picks_up_another_projects_conversation(
    anthropic_server: MessagesServer, run_cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = project.parent / "project_"  # slugs like "project-"... but a different path
    twin = project.parent / "project-"
    for folder in (other, twin):
        (folder / ".claude").mkdir(parents=True)
    anthropic_server.enqueue(text("one"), text("two"))
    monkeypatch.chdir(other)
    code, out, _ = run_cli("-p", "secret of project_", "--output-format", "json")
    assert code == 0
    monkeypatch.chdir(twin)
    code, out, _ = run_cli("sessions", "--json")
    assert json.loads(out) == []
    code, out, err = run_cli("-c", "-p", "continue", "--output-format", "json")
    assert code == 2 and "no earlier session" in err
