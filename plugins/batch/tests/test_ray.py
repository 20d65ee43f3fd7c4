"""The Ray backend on a local Ray instance gives what the local backend gives.

Runs in tox's ``plugin-batch-ray`` env (``corral-batch[ray]``); elsewhere it skips.
"""

from __future__ import annotations

import collections
import importlib.util
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from corral.testing import MessagesServer
from corral_batch.results import read_results

from .conftest import task_id_of

pytestmark = pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                                reason="ray is not installed (pip install 'corral-batch[ray]'; "
                                "tox -e plugin-batch-ray)")


def test_the_same_task_file_gives_the_same_results_on_ray(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)  # a local instance of our own
    ids = [f"t{n:03d}" for n in range(50)]
    tasks = write_tasks(50)
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    # run dirs of one length: the checkout's path is in the system prompt, and so in the
    # scripted server's token count and the cost
    local = run_batch(tasks, "--out", local_out, "--workers", "4", "--run-dir", tmp_path / "local")
    assert local.returncode == 0, local.stderr
    server.clear()
    on_ray = run_batch(tasks, "--out", ray_out, "--workers", "4", "--backend", "ray",
                       "--ray-num-cpus", "0.5", "--run-dir", tmp_path / "onray", timeout=600)
    assert on_ray.returncode == 0, on_ray.stderr
    by_backend = {}
    for name, path in (("local", local_out), ("ray", ray_out)):
        results = read_results(path)
        assert sorted(r.id for r in results) == ids
        assert {r.backend for r in results} == {name}
        by_backend[name] = {r.id: r for r in results}
    for task_id in ids:
        here, there = by_backend["local"][task_id], by_backend["ray"][task_id]
        assert there.status == here.status == "success"
        assert there.patch == here.patch and f"+++ b/{task_id}.txt" in there.patch
        assert there.cost_usd == here.cost_usd
        assert there.result is not None and here.result is not None
        for key in ("subtype", "is_error", "result", "num_turns", "total_cost_usd", "usage"):
            assert there.result[key] == here.result[key], key
        assert there.workdir.startswith(str(tmp_path / "onray"))
        assert there.transcript is not None and Path(there.transcript).is_file()
    asked = collections.Counter(task_id_of(q) for q in server.message_requests)
    assert asked == {i: 2 for i in ids}  # each task ran once on Ray


def test_a_failing_task_on_ray_is_a_failed_result(
    tmp_path: Path, server: MessagesServer, repo: Path,
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text('{"id": "a", "prompt": "[task a] go", "repo": "repo", '
                     '"permission_mode": "acceptEdits"}\n'
                     '{"id": "b", "prompt": "[task b] go", "repo": "repo", "ref": "nope"}\n')
    out = tmp_path / "out.jsonl"
    done = run_batch(tasks, "--out", out, "--backend", "ray", "--workers", "2",
                     "--ray-num-cpus", "0.5", timeout=600)
    assert done.returncode == 1
    by_id = {r.id: r for r in read_results(out)}
    assert by_id["a"].status == "success" and by_id["b"].status == "failed"
    assert "nope" in (by_id["b"].error or "")
