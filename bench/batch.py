"""Tasks per minute of `corral batch`, local and Ray backends, at 1, 2 and 4 workers.

Every task is tiny (the scripted server answers "done" at once), so the figures measure the
batch machinery: clone, `corral -p` start-up, patch, result write. The baseline is the serial
loop a person would write without `corral batch` (for each task: `git clone`, then `corral -p`
in it), measured in the same run. Each figure is the median of --repeats runs.

    python bench/batch.py [--tasks 12] [--repeats 3] [--backends local,ray] [--workers 1,2,4]

Ray figures are given twice: over the whole command (a local Ray instance starts and stops
in each run) and over the tasks alone (first task start to last task end, from the results).
Ray tasks ask for 0.25 CPU, so on a small machine the worker count, not Ray's CPU count,
bounds the tasks in flight, as with the local backend.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec
from corral.testing import MessagesServer, text


def _env(server: MessagesServer, root: Path) -> dict[str, str]:
    env = dict(os.environ, ANTHROPIC_BASE_URL=server.base_url, ANTHROPIC_API_KEY="bench",
               CORRAL_HOME=str(root / "corral-home"), HOME=str(root / "home"),
               CORRAL_LOAD_PLUGINS="batch", CORRAL_SANDBOX="0",
               GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.invalid",
               GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.invalid")
    env.pop("RAY_ADDRESS", None)
    return env


def _repo(root: Path, env: dict[str, str]) -> Path:
    repo = root / "repo"
    repo.mkdir()
    (repo / "README").write_text("bench\n")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "one"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    return repo


def _tasks(root: Path, count: int) -> Path:
    path = root / "tasks.jsonl"
    path.write_text("".join(msgspec.json.encode({"id": f"b{n:03d}", "prompt": "go",
                                                 "repo": "repo"}).decode() + "\n"
                            for n in range(count)))
    return path


def serial(root: Path, repo: Path, count: int, env: dict[str, str], run: int) -> float:
    """Seconds for the plain loop: clone, then `corral -p`, one task after another."""
    base = root / f"serial-{run}"
    base.mkdir()
    start = time.perf_counter()
    for n in range(count):
        work = base / f"b{n:03d}"
        subprocess.run(["git", "clone", "-q", str(repo), str(work)], env=env, check=True)
        done = subprocess.run([sys.executable, "-m", "corral", "-p", "go", "--output-format",
                               "json"], cwd=work, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise SystemExit(f"corral -p failed: {done.stderr.decode()}")
    return time.perf_counter() - start


def batch(root: Path, tasks: Path, env: dict[str, str], backend: str, workers: int,
          run: int) -> tuple[float, float]:
    """Seconds for `corral batch`: the whole command, and first task start to last end."""
    out = root / f"{backend}-{workers}-{run}.jsonl"
    argv = [sys.executable, "-m", "corral", "batch", str(tasks), "--out", str(out),
            "--workers", str(workers), "--backend", backend, "--run-dir",
            str(root / f"run-{backend}-{workers}-{run}")]
    if backend == "ray":
        argv += ["--ray-num-cpus", "0.25"]
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"corral batch failed: {done.stderr.decode()}")
    rows = [msgspec.json.decode(line) for line in out.read_bytes().splitlines()]
    span = (max(r["started_at"] + r["duration_s"] for r in rows)
            - min(r["started_at"] for r in rows))
    return wall, span


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backends", default="local,ray")
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    worker_counts = [int(w) for w in args.workers.split(",")]
    if "ray" in backends:
        try:
            import ray  # noqa: F401
        except ImportError:
            print("ray is not installed: the ray backend is left out")
            backends.remove("ray")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPUs; {args.tasks} tasks a run, median of {args.repeats} runs")
    with tempfile.TemporaryDirectory() as tmp, \
            MessagesServer(responder=lambda request: text("done")) as server:
        root = Path(tmp)
        env = _env(server, root)
        (root / "home").mkdir()
        repo = _repo(root, env)
        tasks = _tasks(root, args.tasks)

        def per_minute(seconds: float) -> float:
            return args.tasks / seconds * 60

        base = statistics.median(serial(root, repo, args.tasks, env, run)
                                 for run in range(args.repeats))
        print(f"{'serial loop (baseline)':28} {per_minute(base):7.1f} tasks/min   1.00x")
        for backend in backends:
            for workers in worker_counts:
                runs = [batch(root, tasks, env, backend, workers, run)
                        for run in range(args.repeats)]
                wall = statistics.median(r[0] for r in runs)
                span = statistics.median(r[1] for r in runs)
                print(f"{f'{backend}, {workers} worker(s)':28} {per_minute(wall):7.1f} tasks/min"
                      f"  {base / wall:5.2f}x   (tasks alone: {per_minute(span):6.1f}/min, "
                      f"{base / span:5.2f}x)")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
