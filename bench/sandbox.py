"""Benchmark the OS sandbox: per-command overhead of the Bash tool, sandboxed vs not.

Run: ``python bench/sandbox.py [RUNS]``. One process, one temporary project, two sessions
(the sandbox on, and off by configuration); each run starts ``true`` through the real Bash
tool in both, interleaved so machine load hits both alike. Prints the median and 90th
percentile of each and the median overhead.

Target: the sandboxed median at most 15 ms above the unsandboxed one.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
TARGET_MS = 15.0


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="corral-bench-sandbox-"))
    os.environ["HOME"] = str(root / "home")
    os.environ["CORRAL_HOME"] = str(root / "corral-home")
    (root / "home").mkdir()
    project = root / "project"
    project.mkdir()
    os.chdir(project)

    from corral.app import App
    from corral.sandbox.runtime import status
    from corral.session import Session
    from corral.tools.builtin.bash import Bash, BashInput

    sandboxed_app = App.create(cwd=project)
    st = status(sandboxed_app.config)
    if not st.on:
        print(f"sandbox unavailable ({st.reason}); nothing to compare")
        return 1
    plain_app = App.create(cwd=project, cli={"sandbox": {"enabled": False}})
    sandboxed = Session(sandboxed_app, cwd=project, headless=True)
    plain = Session(plain_app, cwd=project, headless=True)
    tool = Bash()
    params = BashInput(command="true")

    async def once(session: Session) -> float:
        start = time.perf_counter()
        result = await tool.run(session, params)
        elapsed = time.perf_counter() - start
        assert result.meta["exit_code"] == 0, result.content
        return elapsed * 1000

    async def run() -> tuple[list[float], list[float]]:
        on: list[float] = []
        off: list[float] = []
        await once(sandboxed)  # builds the policy and temp dir once
        await once(plain)
        for _ in range(RUNS):
            off.append(await once(plain))
            on.append(await once(sandboxed))
        await sandboxed.end()
        await plain.end()
        return on, off

    on, off = asyncio.run(run())

    def row(name: str, xs: list[float]) -> str:
        p90 = statistics.quantiles(xs, n=10)[-1]
        return f"{name:<12} median {statistics.median(xs):6.1f} ms   p90 {p90:6.1f} ms"

    overhead = statistics.median(on) - statistics.median(off)
    print(f"Bash tool running `true`, {RUNS} runs each, interleaved ({st.reason})")
    print(row("unsandboxed", off) + "   [baseline]")
    print(row("sandboxed", on))
    print(f"overhead: {overhead:+.1f} ms per command (median; ratio "
          f"{statistics.median(on) / statistics.median(off):.2f}x)   target <= {TARGET_MS:g} ms: "
          f"{'met' if overhead <= TARGET_MS else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
