"""``corral batch TASKS.jsonl --out RESULTS.jsonl [--workers N] [--backend local|ray]
[--resume] [--max-budget-usd USD]``."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corral.api import App


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tasks", type=Path, metavar="TASKS.jsonl",
                        help="one task a line: id, prompt, repo, ref, setup, model, ... "
                        "(docs/batch.md)")
    parser.add_argument("--out", dest="batch_out", type=Path, required=True,
                        metavar="RESULTS.jsonl", help="results are appended here, one a line")
    parser.add_argument("--workers", dest="batch_workers", type=int, default=None, metavar="N",
                        help="tasks run at once (default: [plugins.batch] workers, else one "
                        "per CPU)")
    parser.add_argument("--backend", dest="batch_backend", choices=["local", "ray"],
                        default=None, help="worker processes here, or Ray tasks (RAY_ADDRESS "
                        "names a cluster; default: a local Ray instance)")
    parser.add_argument("--resume", dest="batch_resume", action="store_true",
                        help="skip tasks whose id is already in the results file")
    parser.add_argument("--max-budget-usd", dest="batch_budget", type=float, default=None,
                        metavar="USD", help="start no new task once the results file's "
                        "total cost reaches USD")
    parser.add_argument("--run-dir", dest="batch_run_dir", type=Path, default=None,
                        metavar="DIR", help="where task checkouts go (default: RESULTS.run/)")
    parser.add_argument("--ray-num-cpus", dest="batch_ray_cpus", type=float, default=None,
                        metavar="N", help="CPUs each Ray task asks for (default 1)")


def run(args: argparse.Namespace, app: App) -> int:
    from corral.api import UsageError

    from corral_batch.backends import Backend, LocalBackend
    from corral_batch.driver import Batch, default_run_dir
    from corral_batch.progress import ProgressView
    from corral_batch.results import open_results
    from corral_batch.settings import settings_from
    from corral_batch.tasks import load_tasks

    settings = settings_from(app.config)
    tasks = load_tasks(args.tasks)
    workers = args.batch_workers if args.batch_workers is not None else settings.workers
    if workers < 0:
        raise UsageError(f"--workers must be 0 (one per CPU) or more, not {workers}")
    workers = workers or os.cpu_count() or 1
    budget = args.batch_budget
    if budget is not None and budget <= 0:
        raise UsageError(f"--max-budget-usd must be above 0, not {budget}")
    out: Path = args.batch_out
    run_dir = (args.batch_run_dir or (Path(settings.run_dir) if settings.run_dir
                                      else default_run_dir(out))).resolve()
    if out.exists() and out.stat().st_size > 0 and not args.batch_resume:
        raise UsageError(f"{out} already holds results: add --resume to skip the tasks it "
                         "records, or choose another --out")
    backend_name = args.batch_backend or settings.backend
    backend: Backend
    if backend_name == "ray":
        from corral_batch.ray_backend import RayBackend, import_ray

        import_ray()  # fail before anything runs when Ray is missing
        cpus = args.batch_ray_cpus if args.batch_ray_cpus is not None else settings.ray_num_cpus
        backend = RayBackend(run_dir, cpus)
    else:
        backend = LocalBackend(run_dir)
    fd, recorded = open_results(out)
    try:
        view = ProgressView()
        if recorded.torn:
            view.console.print(f"batch: {out} ended in a cut-short line (the driver was killed "
                               f"mid-write); it was moved to {out}.torn and that task runs again",
                               markup=False)
        for number in recorded.skipped_lines:
            view.console.print(f"batch: {out}:{number} is not a result line; left as it is",
                               markup=False)
        batch = Batch(tasks, recorded, fd, backend, workers=workers, budget_usd=budget,
                      on_change=view)
        with view:
            tally = asyncio.run(batch.run())
    finally:
        os.close(fd)
    view.console.print(_summary(tally, out), markup=False)
    if tally.interrupted:
        return 130
    return 0 if tally.left == 0 and tally.failed == 0 else 1


def _summary(tally: object, out: Path) -> str:
    from corral_batch.driver import Tally

    assert isinstance(tally, Tally)
    parts = [f"batch: {tally.done} run, {tally.failed} not successful"]
    if tally.skipped:
        parts.append(f"{tally.skipped} already recorded")
    parts.append(f"${tally.spent_usd:.4f} spent")
    text = ", ".join(parts) + f"; results in {out}"
    if tally.left:
        why = "interrupted" if tally.interrupted else "the budget is spent"
        text += f"\nbatch: {tally.left} not started ({why}); rerun with --resume to go on"
    return text
