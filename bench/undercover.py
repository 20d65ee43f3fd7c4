"""Throughput of corral-undercover's scanner, and the time it adds to one tool call.

Scans a generated text (default 1 MB; ``--mb 10`` for the issue's 10 MB) with 1,000 configured
terms plus a pattern, a host, a channel and short links, and prints the median of several runs
next to two baselines measured in the same process over the same text: ``str.lower()`` and a
single ``in`` search for one word. Then texts with non-ASCII characters: a few distinct ones,
hundreds of distinct letters, and characters that shift positions (decomposed accents,
ligatures, zero-width spaces). Last, the median time of one
``corral_check_permission`` decision on a 4 KB Write and on a ``git commit`` command.

    .venv/bin/python bench/undercover.py [--mb 1] [--runs 7]
"""

from __future__ import annotations

import argparse
import operator
import random
import string
import time
from functools import partial
from pathlib import Path

from _timing import median_seconds  # noqa: E402
from corral_undercover.guard import Place, check
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings

WORDS = (
    "the a of to and in is it that for on with as this by be are from or at an not have "
    "parser request handler module config value return import class def self none true false "
    "build test release notes update fix add remove change docs server client cache index"
).split()


#: Non-ASCII words the generated texts draw from.
EXTRAS = ["é", "—", "“", "”", "ü", "→", "日本"]
#: Characters that do not fold to exactly one character, so positions shift around them.
SHIFTING = ["cafe\u0301", "u\u0308ber", "zero\u200bwidth", "\ufb01le", "stra\u00dfe", "\u00bd"]


def foreign_words(rng: random.Random, count: int) -> list[str]:
    """Words in Cyrillic, Greek and CJK letters: hundreds of distinct characters."""
    ranges = [(0x0430, 0x044F), (0x03B1, 0x03C9), (0x4E00, 0x4FFF)]
    words = []
    for _ in range(count):
        lo, hi = rng.choice(ranges)
        words.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(2, 8))))
    return words


def make_text(
    size: int,
    rng: random.Random,
    planted: list[str],
    non_ascii: float,
    extras: list[str] = EXTRAS,
) -> str:
    parts: list[str] = []
    total = 0
    extras = extras if non_ascii else []
    while total < size:
        line_words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        if extras and rng.random() < non_ascii:
            line_words.append(rng.choice(extras))
        if rng.random() < 0.002:
            term = rng.choice(planted)
            line_words.append("-".join(term[i : i + 3] for i in range(0, len(term), 3)))
        line = " ".join(line_words) + rng.choice([".\n", "\n", "()\n", ",\n"])
        parts.append(line)
        total += len(line)
    return "".join(parts)[:size]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=1.0, help="text size in MB (default 1)")
    ap.add_argument("--runs", type=int, default=7, help="runs per figure (median; default 7)")
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    terms = sorted(
        {"".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 12))) for _ in range(1100)}
    )[:1000]
    settings = Settings(
        terms=terms,
        patterns=[r"v9\.\d+\.\d+"],
        internal_hosts=["corp.example"],
        channels=["#team-x"],
        mode="on",
    )
    build_start = time.perf_counter()
    scanner = build_scanner(settings)
    build_ms = (time.perf_counter() - build_start) * 1000
    size = int(args.mb * 1_000_000)
    print(f"undercover scanner: {len(terms)} terms (built in {build_ms:.1f} ms), "
          f"median of {args.runs} runs")  # fmt: skip
    cases = (
        ("ASCII text", 0.0, EXTRAS),
        ("text with ~5% non-ASCII lines", 0.05, EXTRAS),
        ("text with a non-ASCII word on every line", 1.0, EXTRAS),
        ("text with a Cyrillic, Greek or CJK word on every line",
         1.0, foreign_words(random.Random(args.seed), 400)),
        ("text with a decomposed accent, ligature or zero-width space on every line",
         1.0, SHIFTING),
    )  # fmt: skip
    for label, non_ascii, extras in cases:
        text = make_text(size, rng, terms[:50], non_ascii, extras)
        mb = len(text.encode("utf-8")) / 1e6
        found = len(scanner.scan(text))
        t_scan = median_seconds(partial(scanner.scan, text), args.runs, warm_up=True)
        t_lower = median_seconds(text.lower, args.runs, warm_up=True)
        t_in = median_seconds(partial(operator.contains, text, "zzqqxxnotthere"), args.runs, warm_up=True)
        distinct = len({c for c in text if not c.isascii()})
        print(f"\n{label}: {mb:.2f} MB, {distinct} distinct non-ASCII characters, "
              f"{found} findings")  # fmt: skip
        print(f"  scan            {mb / t_scan:9.1f} MB/s  ({t_scan * 1000:8.2f} ms)")
        print(f"  str.lower()     {mb / t_lower:9.1f} MB/s  ({t_lower * 1000:8.2f} ms)"
              f"   scan is {t_scan / t_lower:6.1f}x slower")  # fmt: skip
        print(f"  one `in` search {mb / t_in:9.1f} MB/s  ({t_in * 1000:8.2f} ms)"
              f"   scan is {t_scan / t_in:6.1f}x slower")  # fmt: skip
    place = Place(cwd=Path.cwd(), root=None)
    write = {"file_path": "notes.md", "content": make_text(4096, rng, terms[:1], 0.0)}
    commit = {"command": "git add -A && git commit -m 'Tidy the parser and update the docs'"}
    print("\nper tool call (corral_check_permission's decision, scanner already built):")
    for name, tool, data in (("Write 4 KB", "Write", write), ("git commit", "Bash", commit)):
        t = median_seconds(partial(check, scanner, place, tool, data), 51, warm_up=True)
        print(f"  {name:12s} {t * 1e6:8.1f} µs")


if __name__ == "__main__":
    main()
