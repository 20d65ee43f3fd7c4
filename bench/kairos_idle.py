"""kairos daemon idle cost and change-to-tick latency.

Runs the daemon in-process against the scripted Messages API (corral.testing) in a temporary
project and prints:

- CPU seconds the process used while the daemon sat idle for N seconds with no changes
  (target <= 0.3 s per 60 s), next to the CPU of plain ``asyncio.sleep`` for the same time
  (the baseline), and the number of model requests in that time (target 0);
- the latency from a file write to the tick's model request (median of several runs;
  target <= 1 s).

Usage: ``python bench/kairos_idle.py [--seconds 60] [--runs 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path


async def _idle(project: Path, seconds: float) -> tuple[float, int, float]:
    from corral.testing import MessagesServer
    from corral_kairos.daemon import Daemon

    with MessagesServer() as server:
        os.environ["ANTHROPIC_BASE_URL"] = server.base_url
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await daemon.started.wait()
        cpu0 = time.process_time()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - cpu0
        requests = len(server.message_requests)
        daemon.request_stop()
        await task
    base0 = time.process_time()
    await asyncio.sleep(seconds)
    return cpu, requests, time.process_time() - base0


async def _latency(project: Path, runs: int) -> list[float]:
    from corral.testing import MessagesServer, text
    from corral_kairos.daemon import Daemon

    out = []
    with MessagesServer() as server:
        os.environ["ANTHROPIC_BASE_URL"] = server.base_url
        server.respond_with(lambda _request: text("ok"))
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await daemon.started.wait()
        await asyncio.sleep(0.5)
        for n in range(runs):
            before = len(server.message_requests)
            start = time.perf_counter()
            (project / f"change_{n}.txt").write_text(str(n))
            while len(server.message_requests) == before:
                await asyncio.sleep(0.005)
            out.append(server.message_requests[before].received_at - start)
            while daemon.current or not daemon.queue.empty():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
        daemon.request_stop()
        await task
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CORRAL_HOME"] = str(Path(tmp) / "home")
        os.environ["ANTHROPIC_API_KEY"] = "sk-bench"
        project = Path(tmp) / "project"
        (project / ".claude").mkdir(parents=True)
        (project / ".claude" / "corral.toml").write_text(
            "[features]\nkairos = true\n[plugins.kairos]\nbridge = true\n"
            "interval_s = 0.2\nchange_delay_s = 0.0\nmax_calls_per_hour = 0\n"
        )
        cpu, requests, base = asyncio.run(_idle(project, args.seconds))
        print(f"idle {args.seconds:.0f}s: daemon CPU {cpu:.3f}s (asyncio.sleep baseline "
              f"{base:.3f}s, ratio {cpu / max(base, 1e-6):.1f}x); model requests {requests}")
        lat = asyncio.run(_latency(project, args.runs))
        print(f"file change -> tick request: median {statistics.median(lat) * 1000:.0f} ms "
              f"(min {min(lat) * 1000:.0f}, max {max(lat) * 1000:.0f}, runs {len(lat)})")


if __name__ == "__main__":
    main()
