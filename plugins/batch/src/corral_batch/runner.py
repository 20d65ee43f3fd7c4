"""One task, start to end: checkout, setup, ``corral -p`` in the checkout, patch.

The agent runs as its own ``python -m corral -p - --output-format json`` process with the
checkout as its working directory, so every config layer (user, the repository's own
``.claude/``, environment) and the sandbox apply exactly as for a person running it there.
The same function runs on the driver's machine (local backend) and in a Ray worker.
"""

from __future__ import annotations

import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from corral_batch import proc, workspace
from corral_batch.results import Status, TaskResult
from corral_batch.tasks import Task


def corral_argv(task: Task) -> list[str]:
    """The command that runs ``task``'s agent (the prompt goes on stdin)."""
    argv = [sys.executable, "-m", "corral", "-p", "-", "--output-format", "json"]
    if task.model:
        argv += ["--model", task.model]
    if task.permission_mode:
        argv += ["--permission-mode", task.permission_mode]
    if task.allowed_tools:
        argv += ["--allowedTools", ",".join(task.allowed_tools)]
    if task.max_turns is not None:
        argv += ["--max-turns", str(task.max_turns)]
    if task.max_budget_usd is not None:
        argv += ["--max-budget-usd", repr(task.max_budget_usd)]
    return argv


async def run_task(task: Task, run_dir: Path, backend: str) -> TaskResult:
    """Run ``task`` in ``run_dir/<id>/repo`` and describe how it went.

    Never raises for a task's own failure (it becomes a ``failed`` result); cancelling it ends
    its child processes.
    """
    started_at = time.time()
    start = time.monotonic()
    task_dir = run_dir / task.id
    workdir = task_dir / "repo"
    if task_dir.exists():  # left by a run that was stopped before this task finished
        shutil.rmtree(task_dir)
    task_dir.mkdir(parents=True)
    fields: dict[str, Any] = {"result": None, "cost_usd": None, "transcript": None,
                              "exit_code": None}
    status: Status = "failed"
    error: str | None = None
    patch = ""
    try:
        await workspace.checkout(task.repo, task.ref, workdir)
        await workspace.run_setup(task.setup, workdir, task.timeout_s)
        base = await workspace.snapshot(workdir)
        status, error = await _run_agent(task, task_dir, workdir, fields)
        patch = await workspace.patch_since(workdir, base)
    except workspace.WorkspaceError as exc:
        error = str(exc)
    return TaskResult(
        id=task.id, status=status, error=error, patch=patch,
        duration_s=round(time.monotonic() - start, 3), workdir=str(workdir), backend=backend,
        host=socket.gethostname(), started_at=round(started_at, 3), **fields,
    )


async def _run_agent(task: Task, task_dir: Path, workdir: Path,
                     fields: dict[str, Any]) -> tuple[Status, str | None]:
    """Run ``corral -p`` and fill ``fields`` from its result object."""
    with open(task_dir / "corral.out", "wb+") as out, open(task_dir / "corral.err", "wb+") as err:
        try:
            done = await proc.run(corral_argv(task), cwd=workdir, stdin=task.prompt.encode(),
                                  timeout=task.timeout_s, stdout=out, stderr=err)
        except TimeoutError:
            return "failed", f"the agent did not finish within {task.timeout_s:g}s"
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    fields["exit_code"] = done.code
    result = _last_object(output)
    if result is None:
        tail = proc.Finished(done.code, b"", errors).err_tail()
        return "failed", f"corral exited {done.code} without a result: {tail}"
    fields["result"] = result
    cost = result.get("total_cost_usd")
    fields["cost_usd"] = float(cost) if isinstance(cost, int | float) else None
    session_id = result.get("session_id")
    if isinstance(session_id, str) and session_id:
        fields["transcript"] = _transcript_path(workdir, session_id)
    if result.get("is_error"):
        return "error", f"{result.get('subtype', 'error')}: {result.get('result', '')}"
    return "success", None


def _last_object(output: bytes) -> dict[str, Any] | None:
    for line in reversed(output.splitlines()):
        if line.strip():
            try:
                obj = msgspec.json.decode(line)
            except msgspec.DecodeError:
                return None
            return obj if isinstance(obj, dict) and obj.get("type") == "result" else None
    return None


def _transcript_path(workdir: Path, session_id: str) -> str | None:
    from corral.api import project_dir

    path = project_dir(workdir) / f"{session_id}.jsonl"
    return str(path) if path.exists() else None
