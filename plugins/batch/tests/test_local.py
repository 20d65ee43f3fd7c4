"""The local backend against the scripted server: many tasks, kill -9 and resume, budget."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from corral.testing import MessagesServer

from corral_batch.results import read_results

from .conftest import batch_argv, task_id_of


def test_fifty_tasks_with_four_workers(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    tasks = write_tasks(50)
    out = tmp_path / "results.jsonl"
    done = run_batch(tasks, "--out", out, "--workers", "4")
    assert done.returncode == 0, done.stderr
    results = read_results(out)
    assert sorted(r.id for r in results) == [f"t{n:03d}" for n in range(50)]
    for r in results:
        assert r.status == "success", r
        assert r.result is not None and r.result["result"] == f"done {r.id}"
        assert r.result["num_turns"] >= 1 and r.cost_usd == r.result["total_cost_usd"] > 0
        assert f"+++ b/{r.id}.txt" in r.patch and f"+made by {r.id}" in r.patch
        assert "README" not in r.patch  # only what the agent changed
        assert r.transcript is not None and Path(r.transcript).is_file()
        assert r.backend == "local" and r.exit_code == 0 and r.duration_s > 0
    per_task = collections.Counter(task_id_of(q) for q in server.message_requests)
    assert per_task == {f"t{n:03d}": 2 for n in range(50)}
    assert "50 run, 0 not successful" in done.stderr
