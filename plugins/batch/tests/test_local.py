"""The local backend against the scripted server: many tasks, kill -9 and resume, budget."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
from corral.testing import MessagesServer, RecordedRequest, Reply
from corral_batch.results import TaskResult, read_results

from .conftest import batch_argv, scripted, task_id_of


def check_success(results: list[TaskResult]) -> None:
    """Each result is a finished scripted task with its own file in the patch."""
    for r in results:
        assert r.status == "success", r
        assert r.result is not None and r.result["result"] == f"done {r.id}"
        assert r.result["num_turns"] >= 1 and r.cost_usd == r.result["total_cost_usd"] > 0
        assert f"+++ b/{r.id}.txt" in r.patch and f"+made by {r.id}" in r.patch
        assert "README" not in r.patch  # only what the agent changed
        assert r.transcript is not None and Path(r.transcript).is_file()
        assert r.backend == "local" and r.exit_code == 0 and r.duration_s > 0


def test_fifty_tasks_four_workers_killed_then_resumed(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    """50 tasks on 4 workers; the driver is SIGKILLed once some have finished; --resume
    finishes the rest: every task recorded once, none that was recorded asked the model again."""
    ids = [f"t{n:03d}" for n in range(50)]
    tasks = write_tasks(50)
    out = tmp_path / "results.jsonl"
    driver = subprocess.Popen(batch_argv(tasks, "--out", out, "--workers", "4"), cwd=tmp_path,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while len(read_results(out) if out.exists() else []) < 12:
            assert driver.poll() is None, "the driver ended before it was killed"
            assert time.monotonic() < deadline, "no 12 results within 180 s"
            time.sleep(0.05)
        os.kill(driver.pid, signal.SIGKILL)
    finally:
        driver.kill()
        driver.wait(10)
    time.sleep(0.5)  # the killed driver's in-flight agents end on their parent-death signal
    before = {r.id for r in read_results(out)}
    assert 12 <= len(before) < 50
    server.clear()

    done = run_batch(tasks, "--out", out, "--workers", "4", "--resume")
    assert done.returncode == 0, done.stderr
    results = read_results(out)
    assert sorted(r.id for r in results) == ids  # none lost, none twice
    check_success(results)
    asked = collections.Counter(task_id_of(q) for q in server.message_requests)
    assert not before & set(asked), "a task recorded before the kill ran again"
    assert asked == {i: 2 for i in ids if i not in before}
    assert f"{50 - len(before)} run, 0 not successful, {len(before)} already recorded" in done.stderr


def test_the_batch_budget_stops_new_tasks(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    tasks = write_tasks(8)
    out = tmp_path / "results.jsonl"
    done = run_batch(tasks, "--out", out, "--workers", "1", "--max-budget-usd", "0.03")
    assert done.returncode == 1, done.stderr
    results = read_results(out)
    costs = [r.cost_usd or 0.0 for r in results]
    # one worker: tasks start one after another until the recorded cost reaches the budget
    assert sum(costs[:-1]) < 0.03 <= sum(costs)
    assert len(results) < 8
    assert f"{8 - len(results)} not started (the budget is spent)" in done.stderr
    asked = {task_id_of(q) for q in server.message_requests}
    assert asked == {r.id for r in results}

    # the budget covers the whole results file: resuming with it starts nothing
    again = run_batch(tasks, "--out", out, "--resume", "--max-budget-usd", "0.03")
    assert again.returncode == 1 and len(read_results(out)) == len(results)
    # a larger one finishes the batch
    more = run_batch(tasks, "--out", out, "--resume", "--max-budget-usd", "100")
    assert more.returncode == 0, more.stderr
    assert sorted(r.id for r in read_results(out)) == [f"t{n:03d}" for n in range(8)]


def test_ref_setup_url_and_failures(
    tmp_path: Path, server: MessagesServer, repo: Path,
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    """A ref is checked out, setup runs before the agent and stays out of the patch, a
    file:// URL is cloned; a bad ref and a failing setup fail their own task only."""
    base = {"prompt": "", "permission_mode": "acceptEdits"}
    lines = [
        {"id": "branch", "repo": "repo", "ref": "other", "setup": ["echo x > from-setup.txt"]},
        {"id": "url", "repo": repo.as_uri()},
        {"id": "badref", "repo": "repo", "ref": "no-such-ref"},
        {"id": "badsetup", "repo": "repo", "setup": ["true", "echo oops >&2; exit 3"]},
    ]
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text("".join(
        msgspec.json.encode({**base, **line, "prompt": f"[task {line['id']}] go"}).decode() + "\n"
        for line in lines))
    out = tmp_path / "results.jsonl"
    done = run_batch(tasks, "--out", out, "--workers", "2")
    assert done.returncode == 1
    by_id = {r.id: r for r in read_results(out)}
    assert set(by_id) == {"branch", "url", "badref", "badsetup"}
    branch = by_id["branch"]
    assert branch.status == "success"
    workdir = Path(branch.workdir)
    assert (workdir / "README").read_text() == "hello\n"  # the branch, not main
    assert (workdir / "from-setup.txt").exists() and "from-setup" not in branch.patch
    assert "+++ b/branch.txt" in branch.patch
    assert by_id["url"].status == "success" and "+++ b/url.txt" in by_id["url"].patch
    assert by_id["badref"].status == "failed" and "no-such-ref" in (by_id["badref"].error or "")
    bad = by_id["badsetup"]
    assert bad.status == "failed" and bad.result is None
    assert "setup command 2" in (bad.error or "") and "exit 3" in (bad.error or "")
    assert "oops" in (bad.error or "")
    assert {task_id_of(q) for q in server.message_requests} == {"branch", "url"}
    assert "4 run, 2 not successful" in done.stderr


def test_ctrl_c_stops_cleanly_and_resume_finishes(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    gate = threading.Event()

    def held(request: RecordedRequest) -> Reply:
        gate.wait(30)  # every agent waits inside its first request until the test lets go
        return scripted(request)

    server.respond_with(held)
    tasks = write_tasks(6)
    out = tmp_path / "results.jsonl"
    driver = subprocess.Popen(batch_argv(tasks, "--out", out, "--workers", "2"), cwd=tmp_path,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(server.message_requests) < 2:
            assert time.monotonic() < deadline and driver.poll() is None
            time.sleep(0.05)
        driver.send_signal(signal.SIGINT)
        _, err = driver.communicate(timeout=60)
    finally:
        gate.set()
        driver.kill()
    assert driver.returncode == 130, err
    assert "6 not started (interrupted)" in err and "--resume" in err
    assert read_results(out) == []
    server.respond_with(scripted)
    done = run_batch(tasks, "--out", out, "--resume", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert sorted(r.id for r in read_results(out)) == [f"t{n:03d}" for n in range(6)]
