"""Two workers and one file: the lease serializes them, a wait that runs out is a reported
conflict, and a worktree worker's changes are merged back (or the clash reported)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from corral.testing import MessagesServer, RecordedRequest, message, text, tool_block, tool_use

from ._coord import MODE, all_notes, spawn, texts_of, wait_for
from ._script import MAIN, Router
from .conftest import RunCli, write_agent


def _coordinator(router: Router, first: list, count: int) -> list:  # noqa: ANN001
    def step(request: RecordedRequest):  # noqa: ANN202
        if len(all_notes(router.seen[MAIN])) >= count:
            return text("all reported")
        return tool_use("WaitWorkers", {"timeout_s": 20})

    return [*first, *[step] * 8]


def _two_spawns(extra: dict | None = None) -> list:
    extra = extra or {}
    return [message(tool_block("SpawnWorker", spawn("alpha", "edit shared", **extra), id="t1"),
                    tool_block("SpawnWorker", spawn("beta", "edit shared", **extra), id="t2"))]


def _edit(old: str, new: str) -> dict:
    return {"file_path": "shared.txt", "old_string": old, "new_string": new}


def _agents(project: Path) -> None:
    agents = project / ".claude" / "agents"
    write_agent(agents, "alpha", "You are ALPHA-MARK.", tools="Read, Edit")
    write_agent(agents, "beta", "You are BETA-MARK.", tools="Read, Edit")
    (project / "shared.txt").write_text("one\ntwo\n")


def test_second_editor_waits_for_the_first_and_sees_its_change(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    _agents(project)
    beta_read, alpha_edited, beta_waiting = (threading.Event() for _ in range(3))

    def alpha_edit(request: RecordedRequest):  # noqa: ANN202
        wait_for(beta_read)  # beta holds the old content when alpha changes the file
        return tool_use("Edit", _edit("one", "ONE"))

    def alpha_done(request: RecordedRequest):  # noqa: ANN202
        alpha_edited.set()
        wait_for(beta_waiting)  # hold the lease until beta asked for the file
        time.sleep(0.2)
        return text("alpha changed one")

    def beta_edit(request: RecordedRequest):  # noqa: ANN202
        beta_read.set()
        wait_for(alpha_edited)
        beta_waiting.set()
        return tool_use("Edit", _edit("two", "TWO"))

    router = Router({
        MAIN: [],
        "ALPHA-MARK": [tool_use("Read", {"file_path": "shared.txt"}), alpha_edit, alpha_done],
        "BETA-MARK": [tool_use("Read", {"file_path": "shared.txt"}), beta_edit,
                      tool_use("Read", {"file_path": "shared.txt"}),
                      tool_use("Edit", _edit("two", "TWO")), text("beta changed two")],
    })
    router.scripts[MAIN] = _coordinator(router, _two_spawns(), 2)
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             "--permission-mode", "acceptEdits", *MODE)
    assert code == 0, out + err
    # beta's first edit waited for alpha's lease, then the kernel refused the stale edit
    # instead of writing over alpha's change; beta re-read and both changes survive
    alpha_last, beta_after_edit = router.seen["ALPHA-MARK"][2], router.seen["BETA-MARK"][2]
    assert alpha_last.replied_at is not None
    assert beta_after_edit.received_at > alpha_last.replied_at  # the edit waited for alpha
    stale = texts_of(beta_after_edit)
    assert "changed on disk since it was last read" in stale
    assert (project / "shared.txt").read_text() == "ONE\nTWO\n"
    notes = all_notes(router.seen[MAIN])
    assert notes["w1"][0] == notes["w2"][0] == "completed"
    assert "conflict:" not in notes["w2"][1]


def test_wait_that_runs_out_is_a_reported_conflict(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    _agents(project)
    alpha_edited, beta_refused = threading.Event(), threading.Event()

    def alpha_done(request: RecordedRequest):  # noqa: ANN202
        alpha_edited.set()
        wait_for(beta_refused)
        return text("alpha changed one")

    def beta_edit(request: RecordedRequest):  # noqa: ANN202
        wait_for(alpha_edited)
        return tool_use("Edit", _edit("two", "TWO"))

    def beta_gives_up(request: RecordedRequest):  # noqa: ANN202
        beta_refused.set()
        return text("could not change two")

    router = Router({
        MAIN: [],
        "ALPHA-MARK": [tool_use("Read", {"file_path": "shared.txt"}),
                       tool_use("Edit", _edit("one", "ONE")), alpha_done],
        "BETA-MARK": [tool_use("Read", {"file_path": "shared.txt"}), beta_edit, beta_gives_up],
    })
    router.scripts[MAIN] = _coordinator(router, _two_spawns(), 2)
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             "--permission-mode", "acceptEdits", *MODE,
                             settings="[plugins.coordinator]\nlock_wait_s = 0.3\n")
    assert code == 0, out + err
    refused = texts_of(router.seen["BETA-MARK"][2])
    assert "Cannot edit shared.txt: worker w1 is editing it" in refused
    assert (project / "shared.txt").read_text() == "ONE\ntwo\n"
    notes = all_notes(router.seen[MAIN])
    assert "conflict:" not in notes["w1"][1]
    assert "conflict: " in notes["w2"][1] and "shared.txt: worker w2 could not edit it " \
        "(still being edited after 0.3 s; held by w1)" in notes["w2"][1]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def _repo(project: Path) -> None:
    _git(project, "init", "-q")
    (project / "shared.txt").write_text("one\ntwo\n")
    (project / ".gitignore").write_text(".claude/\n")
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base")


def test_worktree_workers_are_merged_back_and_a_clash_is_reported(
    anthropic_server: MessagesServer, run_cli: RunCli, project: Path
) -> None:
    _repo(project)
    agents = project / ".claude" / "agents"
    write_agent(agents, "alpha", "You are ALPHA-MARK.", tools="Read, Edit, Write")
    write_agent(agents, "beta", "You are BETA-MARK.", tools="Read, Edit")

    def alpha_done(request: RecordedRequest):  # noqa: ANN202
        return text("alpha changed one and added new.txt")

    def beta_after_alpha_merged(request: RecordedRequest):  # noqa: ANN202
        for _ in range(500):  # until alpha's change reached the main tree
            try:
                if (project / "shared.txt").read_text().startswith("ONE"):
                    break
            except FileNotFoundError:  # the merge is rewriting it right now: not there yet
                pass
            time.sleep(0.02)
        return text("beta changed one too")

    router = Router({
        MAIN: [],
        "ALPHA-MARK": [tool_use("Read", {"file_path": "shared.txt"}),
                       message(tool_block("Edit", _edit("one", "ONE"), id="e1"),
                               tool_block("Write", {"file_path": "new.txt", "content": "n\n"},
                                          id="w1")),
                       alpha_done],
        "BETA-MARK": [tool_use("Read", {"file_path": "shared.txt"}),
                      tool_use("Edit", _edit("one", "uno")), beta_after_alpha_merged],
    })
    router.scripts[MAIN] = _coordinator(router, _two_spawns({"isolation": "worktree"}), 2)
    anthropic_server.respond_with(router)
    code, out, err = run_cli("-p", "go", "--output-format", "json",
                             "--permission-mode", "acceptEdits", *MODE)
    assert code == 0, out + err
    spawned = texts_of(router.seen[MAIN][1])
    assert "started in its own worktree" in spawned
    # alpha's edits happened in its worktree, then were merged into the main tree
    assert (project / "shared.txt").read_text() == "ONE\ntwo\n"
    assert (project / "new.txt").read_text() == "n\n"
    notes = all_notes(router.seen[MAIN])
    assert notes["w1"][0] == "completed"
    assert "merge: merged into" in notes["w1"][1] and "new.txt" in notes["w1"][1]
    # beta changed the same line from the same base: its patch no longer applies
    assert notes["w2"][0] == "failed"
    assert "merge: CONFLICT: the changes to shared.txt do not apply" in notes["w2"][1]
    kept = notes["w2"][1].split("The worker's tree is kept at ", 1)[1].split(".\n")[0]
    assert Path(kept).is_dir() and (Path(kept) / "shared.txt").read_text() == "uno\ntwo\n"
    # nothing was committed on the user's branch
    assert _git(project, "rev-list", "--count", "HEAD").strip() == "1"
