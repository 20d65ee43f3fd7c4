"""Per-request cost of the kernel's two wires, in one process against corral.testing's server.

Streams the same scripted reply many times over one keep-alive connection through the
default wire (h11 on asyncio streams) and through the httpx wire (the baseline, measured in
the same run, interleaved), and prints the median time per request of several rounds, the
CPU time per request, and their ratio; then the import cost of each wire in a fresh process.

Usage: python bench/wire.py [--runs 5] [--requests 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

from corral.testing import MessagesServer, text
from corral.transport.sse import sse_data
from corral.transport.wire import Timeouts, Wire

BODY = b'{"model": "claude-haiku-4-5", "max_tokens": 50, "stream": true, ' \
       b'"messages": [{"role": "user", "content": "hi"}]}'
HEADERS = {"content-type": "application/json", "x-api-key": "bench",
           "accept": "text/event-stream", "anthropic-version": "2026-10-21"}
REPLY = text("A reply of some length, split into a good number of text deltas. " * 4)


def make(name: str) -> Wire:
    if name == "h11":
        from corral.transport.h11_wire import H11Wire

        return H11Wire()
    from corral.transport.httpx_wire import HttpxWire

    return HttpxWire()


async def session(wire: Wire, url: str, requests: int) -> tuple[float, float]:
    """Wall and CPU seconds per request."""
    events = 0
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        async with wire.stream("POST", url, HEADERS, BODY, Timeouts(10, 60)) as response:
            async for _data in sse_data(response.aiter_raw()):
                events += 1
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    await wire.aclose()
    assert events > requests
    return wall / requests, used / requests


def import_ms(module: str) -> float:
    """Milliseconds importing ``module`` takes in a fresh process, beyond asyncio and the
    transport's shared modules (which either wire needs)."""
    code = ("import asyncio, corral.transport.errors, corral.transport.wire, time; "
            f"t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    names = ("h11", "httpx")
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    with MessagesServer(responder=lambda _request: REPLY) as server:
        url = server.base_url + "/v1/messages"
        for _ in range(args.runs):
            for name in names:
                w, c = asyncio.run(session(make(name), url, args.requests))
                wall[name].append(w * 1000)
                cpu[name].append(c * 1000)
    print(f"{args.requests} streamed requests per round, median of {args.runs} rounds")
    print(f"{'':28}{'h11':>10}{'httpx':>10}{'h11/httpx':>11}")
    for label, table in (("ms per request (wall)", wall), ("ms per request (CPU)", cpu)):
        a, b = statistics.median(table["h11"]), statistics.median(table["httpx"])
        print(f"  {label:26}{a:10.2f}{b:10.2f}{a / b:10.2f}x")
    modules = {"h11": "corral.transport.h11_wire", "httpx": "corral.transport.httpx_wire"}
    imports = {n: statistics.median(import_ms(m) for _ in range(args.runs))
               for n, m in modules.items()}
    a, b = imports["h11"], imports["httpx"]
    print(f"  {'import ms (own modules)':26}{a:10.1f}{b:10.1f}{a / b:10.2f}x")


if __name__ == "__main__":
    main()
