"""The dream's model-free passes over a store of 10,000 entries, 20% near duplicates.

Prints the median time of several runs of prune + merge-candidate search + refresh (target:
1 s), entries before and after, and the input tokens a real run would send to the model for
the candidate pairs (before the token budget cuts them). Baseline in the same process:
building the token sets alone.

    .venv/bin/python bench/dream.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from corral.memory import MemoryEntry, new_id
from corral_dream._text import estimate_tokens, tokens
from corral_dream.judge import _render_pair
from corral_dream.merge import candidate_pairs
from corral_dream.plan import Workset
from corral_dream.prune import prune
from corral_dream.refresh import refresh_dates, reweigh
from corral_dream.settings import Settings

N = 10_000
RUNS = 5


def make_store(rng: random.Random) -> list[MemoryEntry]:
    vocab = [f"{rng.choice('bcdfgklmnprst')}{rng.choice('aeiou')}{i}" for i in range(6000)]
    now = datetime.now(UTC).replace(microsecond=0)
    base: list[MemoryEntry] = []
    originals = int(N * 0.8)
    for i in range(originals):
        words = rng.sample(vocab, rng.randint(8, 20))
        stamp = now - timedelta(days=rng.randint(0, 300))
        text = " ".join(words).capitalize() + (" yesterday." if i % 50 == 0 else ".")
        base.append(MemoryEntry(id=new_id(), text=text, created=stamp, updated=stamp,
                                importance=rng.randint(1, 5), topic=f"t{i % 40}"))
    for _ in range(N - originals):
        src = rng.choice(base[:originals])
        words = src.text.rstrip(".").split()
        if rng.random() < 0.5:
            words[rng.randrange(len(words))] = rng.choice(vocab)
        else:
            words.append(rng.choice(vocab))
        base.append(MemoryEntry(id=new_id(), text=" ".join(words) + ".", created=src.created,
                                updated=src.updated, topic=src.topic))
    return base


def passes(entries: list[MemoryEntry], root: Path, settings: Settings) -> tuple[Workset, int]:
    at = datetime.now(UTC)
    work = Workset(entries)
    prune(work, root, at, settings.duplicate_threshold)
    pairs = candidate_pairs(work, settings.merge_threshold, settings.duplicate_threshold)
    refresh_dates(work)
    reweigh(work, Counter(), at, stale_days=settings.stale_days, used_boost=settings.used_boost)
    return work, sum(estimate_tokens(_render_pair(p)) for p in pairs)


def main() -> None:
    entries = make_store(random.Random(1))
    settings = Settings()
    times: list[float] = []
    base_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(RUNS):
            t0 = time.perf_counter()
            for e in entries:
                tokens(e.text)
            base_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            work, pair_tokens = passes(entries, Path(tmp), settings)
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    base = statistics.median(base_times)
    removed = len(entries) - len(work.entries)
    print(f"entries before {len(entries)}, after {len(work.entries)} ({removed} pruned)")
    print(f"model-free passes: median {median * 1000:.0f} ms over {RUNS} runs "
          f"(target 1000 ms); tokenizing alone {base * 1000:.0f} ms, ratio {median / base:.1f}x")
    print(f"changes logged: {len(work.changes)}; model input a real run would need for "
          f"merge pairs: ~{pair_tokens} tokens (budget {settings.token_budget})")


if __name__ == "__main__":
    main()
