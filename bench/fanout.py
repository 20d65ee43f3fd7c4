"""Fan-out benchmark: N sub-agents whose scripted replies each take DELAY seconds.

Prints the wall time of one parent turn that starts all N in one message (median of RUNS),
the time the same N take one after another (max_parallel = 1, measured the same way), their
ratio, and the peak Python memory allocated per sub-agent (tracemalloc).

    .venv/bin/python bench/fanout.py [N] [DELAY] [RUNS]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from corral.app import App
from corral.engine import Engine
from corral.session import Session
from corral.testing import MessagesServer, RecordedRequest, Reply, message, text, tool_block


def _responder(n: int, delay: float):  # noqa: ANN202
    def reply(request: RecordedRequest) -> Reply:
        system = "".join(b.get("text", "") for b in request.system or [])
        if "sub-agent named" in system:
            return text("child answer").delayed(delay)
        if any(m["role"] == "assistant" for m in request.messages):
            return text("all done")
        calls = [tool_block("Agent", {"description": f"job {i}", "prompt": f"job {i}",
                                      "subagent_type": "general-purpose"}) for i in range(n)]
        return message(*calls)

    return reply


async def _turn(project: Path, parallel: int) -> float:
    cli = {"plugins": {"coordinator": {"max_parallel": parallel}}}
    app = App.create(cwd=project, cli=cli)
    session = Session(app, cwd=project, headless=True)
    engine = Engine(session)
    await session.start()
    start = time.perf_counter()
    await engine.run_turn("fan out")
    wall = time.perf_counter() - start
    await engine.aclose()
    await session.end()
    return wall


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory() as tmp, MessagesServer() as server:
        root = Path(tmp)
        project = root / "project"
        (project / ".claude").mkdir(parents=True)
        os.environ.update(CORRAL_HOME=str(root / "home"), ANTHROPIC_BASE_URL=server.base_url,
                          ANTHROPIC_API_KEY="bench", CLAUDE_CONFIG_DIR=str(root / "claude"))
        server.respond_with(_responder(n, delay))
        asyncio.run(_turn(project, n))  # warm-up: the SDK import and first-use costs
        parallel = [asyncio.run(_turn(project, n)) for _ in range(runs)]
        serial = [asyncio.run(_turn(project, 1)) for _ in range(max(1, runs // 2))]
        tracemalloc.start()
        asyncio.run(_turn(project, n))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    p, s = statistics.median(parallel), statistics.median(serial)
    print(f"{n} sub-agents, {delay:g} s per reply, median of {runs} runs")
    print(f"  parallel fan-out: {p:.2f} s")
    print(f"  one after another: {s:.2f} s")
    print(f"  speed-up: {s / p:.1f}x")
    print(f"  peak Python memory per sub-agent: {peak / n / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
