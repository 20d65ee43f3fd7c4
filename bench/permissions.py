"""Decisions per second of the permission chain, with 200 rules.

Prints the median of several runs for:

* plain tool calls (Read/Edit/Write/WebFetch/MCP/Task) against 200 rules;
* compound shell commands, each one new (so the analysis cache never helps), and the same
  commands repeated (cache warm);
* the baseline: the same plain tool calls with no rules at all, measured in this process.

Run: ``.venv/bin/python bench/permissions.py [--runs 7] [--seconds 0.5]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corral.permissions.chain import decide
from corral.permissions.context import PermissionContext
from corral.tools.base import ToolCall


def rules_200(root: str) -> list[tuple[str, str, str, str | None]]:
    items: list[tuple[str, str, str, str | None]] = []
    for i in range(60):
        items.append(("allow", f"Bash(tool{i} run:*)", "bench.toml", root))
    for i in range(20):
        items.append(("deny", f"Bash(danger{i} *)", "bench.toml", root))
    for i in range(40):
        items.append(("allow", f"Edit(pkg{i}/**/*.py)", "bench.toml", root))
    for i in range(30):
        items.append(("allow", f"Read(//opt/data{i}/**)", "bench.toml", root))
    for i in range(10):
        items.append(("deny", f"Read(secrets{i}/**)", "bench.toml", root))
    for i in range(20):
        items.append(("allow", f"WebFetch(domain:*.site{i}.example)", "bench.toml", root))
    for i in range(15):
        items.append(("allow", f"mcp__server{i}", "bench.toml", root))
    for i in range(5):
        items.append(("ask", f"Agent(agent{i})", "bench.toml", root))
    assert len(items) == 200
    return items


def plain_calls() -> list[ToolCall]:
    calls = [
        ToolCall(id="1", name="Read", input={"file_path": "pkg3/mod/a.py"}),
        ToolCall(id="2", name="Edit", input={"file_path": "pkg39/x/y.py"}),
        ToolCall(id="3", name="Write", input={"file_path": "docs/notes.md"}),
        ToolCall(id="4", name="WebFetch", input={"url": "https://api.site7.example/v1"}),
        ToolCall(id="5", name="mcp__server12__query", input={"q": "x"}),
        ToolCall(id="6", name="Task", input={"subagent_type": "agent3"}),
        ToolCall(id="7", name="Grep", input={"pattern": "x", "path": "src"}),
        ToolCall(id="8", name="Read", input={"file_path": "/opt/data20/f.csv"}),
    ]
    return calls


def compound(i: int) -> str:
    return (f"tool7 run build --case {i} && git diff --stat | tee pkg3/log{i}.py; "
            f"grep -rn 'needle {i}' pkg1 > /dev/null 2>&1 || echo missing-{i}")


def rate(fn: Callable[[int], object], seconds: float) -> float:
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    counter = itertools.count()
    while True:
        for _ in range(50):
            fn(next(counter))
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def median_rate(fn: Callable[[int], object], runs: int, seconds: float) -> float:
    return statistics.median(rate(fn, seconds) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        (root / "src").mkdir(parents=True)
        ctx, errors = PermissionContext.build(str(root), rules_200(str(root)), home=tmp)
        assert not errors, errors
        empty, _ = PermissionContext.build(str(root), [], home=tmp)
        calls = plain_calls()
        k = len(calls)

        def plain(i: int) -> object:
            return decide(calls[i % k], ctx)

        def baseline(i: int) -> object:
            return decide(calls[i % k], empty)

        def shell_new(i: int) -> object:
            return decide(ToolCall(id="s", name="Bash", input={"command": compound(i)}), ctx)

        warm = [ToolCall(id="s", name="Bash", input={"command": compound(i)}) for i in range(16)]

        def shell_warm(i: int) -> object:
            return decide(warm[i % 16], ctx)

        sample = decide(ToolCall(id="s", name="Bash", input={"command": compound(1)}), ctx)
        assert sample.decision == "ask" or sample.decision == "allow", sample

        figures = {
            "baseline: plain tool calls, no rules": median_rate(baseline, args.runs, args.seconds),
            "plain tool calls, 200 rules": median_rate(plain, args.runs, args.seconds),
            "compound shell commands, 200 rules, each new": median_rate(
                shell_new, args.runs, args.seconds),
            "compound shell commands, 200 rules, repeated": median_rate(
                shell_warm, args.runs, args.seconds),
        }
    base = figures["baseline: plain tool calls, no rules"]
    print(f"permission chain, median of {args.runs} runs of {args.seconds}s each")
    for name, value in figures.items():
        print(f"  {name:<48} {value:>10,.0f} decisions/s   ({value / base:5.2f}x baseline)")
    print(f"  sample compound decision: {sample.decision} ({sample.tier}): {sample.reason[:70]}")


if __name__ == "__main__":
    main()
