"""Harness overhead of the turn loop, measured through `corral -p` against corral.testing.

A scripted session of ROUNDS rounds (Read -> Edit -> Bash on five small files in a temporary
git repository, then a final answer: 3 * ROUNDS + 1 requests) runs as a fresh `corral -p`
process, once with the kernel's transport and once with the anthropic SDK as provider (the
baseline, measured in the same run, interleaved). Printed, as the median of several runs:
- wall time, CPU time and peak RSS of the corral process;
- time from launch to the first model request;
- per-turn overhead: from the server's last byte of a reply to the next request, median and
  max (tool execution included, as the model would see it);
- time from the result being printed to the process exiting;
- a whole `corral -p` run whose turn starts four sub-agents (coordinator plugin) whose
  replies each take 1 s;
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

sys.path.insert(0, os.path.dirname(__file__))

from _corral_run import TRANSPORTS, ensure_bytecode, use_transport  # noqa: E402
from _corral_run import run_corral as run_timed  # noqa: E402
from corral.testing import (  # noqa: E402
    MessagesServer,
    message,
    text,
    tool_block,
    tool_use,
)
from fanout import _responder as fanout_responder  # noqa: E402

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


def measure_session(rounds: int, runs: int) -> None:
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in TRANSPORTS}
    for _ in range(runs):
        for name in TRANSPORTS:  # interleaved, so load drift hits both alike
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "repo"
                make_repo(root, rounds)
                use_transport(root, name)
                with MessagesServer(*session_script(rounds)) as server:
                    row = run_timed(server, root, Path(tmp) / "home",
                                    extra=("--permission-mode", "acceptEdits"))
                    gaps = server.idle_gaps()
                row["gap_median_s"] = statistics.median(gaps) if gaps else 0.0
                row["gap_max_s"] = max(gaps) if gaps else 0.0
                rows[name].append(row)
    requests = int(rows["kernel"][0]["requests"])
    print(f"\n{requests}-request session ({rounds} rounds of Read -> Edit -> Bash), "
          f"median of {runs} runs; sdk = the anthropic SDK as provider (baseline)")
    _table(rows, [("wall_s", "wall time ms", 1000), ("cpu_s", "CPU time (user+sys) ms", 1000),
                  ("rss_mb", "peak RSS MB", 1),
                  ("first_request_s", "launch -> first request ms", 1000),
                  ("gap_median_s", "overhead per turn median ms", 1000),
                  ("gap_max_s", "overhead per turn max ms", 1000),
                  ("exit_after_result_s", "result printed -> exit ms", 1000)])


def _table(rows: dict[str, list[dict[str, float]]], keys: list[tuple[str, str, float]]) -> None:
    print(f"  {'':30} {'kernel':>9} {'sdk':>9} {'kernel/sdk':>11}")
    for key, label, scale in keys:
        agg = max if key == "rss_mb" else statistics.median
        k = agg(r[key] for r in rows["kernel"]) * scale
        b = agg(r[key] for r in rows["sdk"]) * scale
        print(f"  {label:30} {k:9.1f} {b:9.1f} {k / b if b else 0:10.2f}x")


def measure_fanout(runs: int, agents: int = 4, delay: float = 1.0) -> None:
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in TRANSPORTS}
    for _ in range(runs):
        for name in TRANSPORTS:
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "repo"
                make_repo(root, 1)
                use_transport(root, name)
                with MessagesServer() as server:
                    server.respond_with(fanout_responder(agents, delay))
                    row = run_timed(server, root, Path(tmp) / "home", plugins="coordinator",
                                    extra=("--permission-mode", "bypassPermissions"))
                    children = [r for r in server.message_requests
                                if "sub-agent named" in str(r.system)]
                if len(children) != agents:
                    raise SystemExit(f"expected {agents} sub-agent requests, saw {len(children)}")
                rows[name].append(row)
    print(f"\n`corral -p` whose turn starts {agents} sub-agents (replies take {delay:.0f} s each), "
          f"median of {runs} runs")
    _table(rows, [("wall_s", "whole run wall ms", 1000),
                  ("first_request_s", "launch -> first request ms", 1000),
                  ("rss_mb", "peak RSS MB", 1)])


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
                run_timed(server, root, Path(tmp) / "home",
                          extra=("--permission-mode", "acceptEdits"))
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
    print(ensure_bytecode())
    baseline = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append((time.perf_counter() - start) * 1000)
    print(f"baseline: python -c pass {statistics.median(baseline):.1f} ms (median of {args.runs})")
    for rounds in args.rounds:
        measure_session(rounds, args.runs)
    measure_fanout(args.runs)
    measure_parallel(args.runs)


if __name__ == "__main__":
    main()
