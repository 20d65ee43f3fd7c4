"""Timing one in-process call: the median of several runs, shared by the benches."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], runs: int, *, warm_up: bool = False) -> float:
    """The median wall time of ``runs`` calls of ``fn``; one untimed call first when
    ``warm_up`` (caches filled, code paths loaded)."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
