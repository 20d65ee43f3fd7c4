"""Harness overhead of the turn loop, measured through `corral -p` against corral.testing.

A scripted session of ROUNDS rounds (Read -> Edit -> Bash on five small files in a temporary
git repository, then a final answer: 3 * ROUNDS + 1 requests) runs as a fresh `corral -p`
process. Printed, as the median of several runs:
- wall time, CPU time and peak RSS of the corral process;
- time from launch to the first model request (the anthropic SDK import is on that path);
- per-turn overhead: from the server's last byte of a reply to the next request, median and
  max (tool execution included, as the model would see it);
- a turn of 10 parallel Reads against a turn of one Read (the ratio of their overheads).

Usage: python bench/turn_loop.py [--runs 5] [--rounds 10 40]
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

from corral.testing import MessagesServer, message, text, tool_block, tool_use

FILES = 5


def make_repo(root: Path, rounds: int) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for index in range(FILES):
        lines = [f"t{r} = 0\n" for r in range(rounds) if r % FILES == index]
        (root / f"f{index}.py").write_text("".join(lines) or "\n")
    (root / ".claude").mkdir()


def session_script(rounds: int) -> list:
    replies = []
    for r in range(rounds):
        name = f"f{r % FILES}.py"
        replies.append(tool_use("Read", {"file_path": name}))
        replies.append(tool_use("Edit", {"file_path": name, "old_string": f"t{r} = 0",
                                         "new_string": f"t{r} = 1"}))
        replies.append(tool_use("Bash", {"command": f"wc -l {name}"}))
    replies.append(text("All edits are done."))
    return replies


def run_corral(server: MessagesServer, cwd: Path, home: Path) -> dict[str, float]:
    env = dict(os.environ, ANTHROPIC_BASE_URL=server.base_url, ANTHROPIC_API_KEY="bench",
               CORRAL_HOME=str(home), CORRAL_LOAD_PLUGINS="")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "corral", "-p", "go", "--permission-mode", "acceptEdits",
         "--output-format", "json"],
        cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = proc.communicate(timeout=300)  # reaps the child; its rusage comes from wait4 below
    wall = time.perf_counter() - start
    if proc.returncode != 0 or b'"subtype":"success"' not in out:
        raise SystemExit(f"corral failed: {proc.returncode}\n{out.decode()}\n{err.decode()}")
    requests = server.message_requests
    gaps = server.idle_gaps()
    return {
        "wall_s": wall,
        "first_request_s": requests[0].received_at - start,
        "gap_median_ms": statistics.median(gaps) * 1000 if gaps else 0.0,
        "gap_max_ms": max(gaps) * 1000 if gaps else 0.0,
        "requests": len(requests),
    }


def child_usage(before: tuple[float, float]) -> tuple[float, float]:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime - before[0], usage.ru_maxrss / 1024


def measure_session(rounds: int, runs: int) -> None:
    import resource

    rows: list[dict[str, float]] = []
    cpu: list[float] = []
    rss = 0.0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "repo"
            make_repo(root, rounds)
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            before = (usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
            with MessagesServer(*session_script(rounds)) as server:
                rows.append(run_corral(server, root, Path(tmp) / "home"))
            spent, peak = child_usage(before)
            cpu.append(spent)
            rss = max(rss, peak)
    med = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    print(f"\n{int(med['requests'])}-request session ({rounds} rounds of Read -> Edit -> Bash), "
          f"median of {runs} runs")
    print(f"  wall time                 {med['wall_s'] * 1000:8.1f} ms")
    print(f"  CPU time (user+sys)       {statistics.median(cpu) * 1000:8.1f} ms")
    print(f"  peak RSS (any child)      {rss:8.1f} MB")
    print(f"  launch -> first request   {med['first_request_s'] * 1000:8.1f} ms")
    print(f"  overhead per turn median  {med['gap_median_ms']:8.2f} ms")
    print(f"  overhead per turn max     {med['gap_max_ms']:8.2f} ms")


def measure_parallel(runs: int) -> None:
    single: list[float] = []
    parallel: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "repo"
            make_repo(root, 10)
            for index in range(10):
                (root / f"p{index}.txt").write_text("line\n" * 50)
            blocks = [tool_block("Read", {"file_path": f"p{i}.txt"}) for i in range(10)]
            script = [tool_use("Read", {"file_path": "p0.txt"}), message(*blocks), text("ok")]
            with MessagesServer(*script) as server:
                run_corral(server, root, Path(tmp) / "home")
                gaps = server.idle_gaps()
            single.append(gaps[0] * 1000)
            parallel.append(gaps[1] * 1000)
    s, p = statistics.median(single), statistics.median(parallel)
    print(f"\nparallel reads, median of {runs} runs")
    print(f"  one Read turn             {s:8.2f} ms")
    print(f"  ten parallel Reads turn   {p:8.2f} ms   ratio {p / s:.2f}x (target <= 2x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, nargs="+", default=[10, 40])
    args = parser.parse_args()
    baseline = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append((time.perf_counter() - start) * 1000)
    print(f"baseline: python -c pass {statistics.median(baseline):.1f} ms (median of {args.runs})")
    for rounds in args.rounds:
        measure_session(rounds, args.runs)
    measure_parallel(args.runs)


if __name__ == "__main__":
    main()
