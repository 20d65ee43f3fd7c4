"""The task file is checked whole before anything runs; the results file survives a torn line."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from corral.testing import MessagesServer
from corral_batch.errors import TaskFileError
from corral_batch.results import TaskResult, append_result, open_results, read_results
from corral_batch.tasks import is_url, load_tasks


def test_every_bad_line_is_reported_with_its_number(tmp_path: Path, repo: Path) -> None:
    good = '{"id": "a", "prompt": "p", "repo": "repo"}'
    lines = [
        good,
        '{"id": "b", "prompt": "p"}',                              # 2: no repo
        "not json",                                                # 3
        '{"id": "c", "prompt": "p", "repo": "repo", "colour": 1}', # 4: unknown key
        '{"id": "a", "prompt": "q", "repo": "repo"}',              # 5: id again
        '{"id": "../x", "prompt": "p", "repo": "repo"}',           # 6: unsafe id
        '{"id": "d", "prompt": "p", "repo": "missing"}',           # 7: no such directory
        '{"id": "e", "prompt": "p", "repo": "repo", "max_turns": 0}',  # 8
        "",
        '{"id": "f", "prompt": "p", "repo": "repo", "permission_mode": "yolo"}',  # 10
    ]
    path = tmp_path / "tasks.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(TaskFileError) as caught:
        load_tasks(path)
    message = str(caught.value)
    assert "8 bad lines, nothing was run" in message
    for number, words in [(2, "repo"), (3, "not a JSON object"), (4, "colour"),
                          (5, "already used on line 1"), (6, "'../x'"), (7, "'missing'"),
                          (8, "max_turns"), (10, "permission_mode")]:
        line = next(m for m in message.splitlines() if f"tasks.jsonl:{number}:" in m)
        assert words in line, line
    assert "tasks.jsonl:1:" not in message and "tasks.jsonl:9:" not in message


def test_local_repos_resolve_against_the_task_file(tmp_path: Path, repo: Path) -> None:
    path = tmp_path / "tasks.jsonl"
    path.write_text('{"id": "a", "prompt": "p", "repo": "repo", "ref": "other"}\n'
                    '{"id": "b", "prompt": "p", "repo": "https://example.invalid/r.git"}\n')
    a, b = load_tasks(path)
    assert a.repo == str(repo.resolve()) and a.ref == "other"
    assert b.repo == "https://example.invalid/r.git"
    assert is_url("git@example.invalid:r.git") and not is_url("../r")


def test_bad_lines_stop_the_batch_before_any_task_runs(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    tasks = write_tasks(3)
    with tasks.open("a") as fh:
        fh.write('{"id": "t900", "prompt": "p"}\n')
    done = run_batch(tasks, "--out", tmp_path / "out.jsonl")
    assert done.returncode == 2
    assert "tasks.jsonl:4:" in done.stderr and "repo" in done.stderr
    assert server.requests == [] and not (tmp_path / "out.jsonl").exists()


def _result(task_id: str, cost: float = 0.5) -> TaskResult:
    return TaskResult(id=task_id, status="success", result={"type": "result"}, duration_s=1.0,
                      cost_usd=cost, transcript=None, workdir="w", exit_code=0,
                      backend="local", host="h", started_at=0.0)


def test_a_torn_last_line_is_moved_aside_and_its_task_not_counted(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    fd, recorded = open_results(out)
    append_result(fd, _result("a"))
    append_result(fd, _result("b"))
    os.close(fd)
    whole = out.read_bytes()
    out.write_bytes(whole + whole.splitlines()[0][:25])  # a write cut short by a kill
    assert [r.id for r in read_results(out)] == ["a", "b"]

    fd, recorded = open_results(out)
    try:
        assert set(recorded.done) == {"a", "b"} and recorded.torn == whole[:25]
        assert out.read_bytes() == whole  # cut back to the last whole line
        append_result(fd, _result("c"))
    finally:
        os.close(fd)
    assert [r.id for r in read_results(out)] == ["a", "b", "c"]
    assert (tmp_path / "results.jsonl.torn").read_bytes() == whole[:25] + b"\n"


def test_results_are_not_overwritten_without_resume(
    tmp_path: Path, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("kept\n")
    done = run_batch(write_tasks(1), "--out", out)
    assert done.returncode == 2 and "--resume" in done.stderr
    assert out.read_text() == "kept\n"


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="ray is installed here")
def test_the_ray_backend_without_ray_says_how_to_get_it(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    done = run_batch(write_tasks(1), "--out", tmp_path / "out.jsonl", "--backend", "ray")
    assert done.returncode == 2 and "corral-batch[ray]" in done.stderr
    assert server.requests == [] and not (tmp_path / "out.jsonl").exists()
