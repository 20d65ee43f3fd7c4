"""Benchmark corral-buddy: pets rolled per second and the cost of one status refresh.

Run: ``.venv/bin/python bench/buddy.py``. Prints medians of several runs, each beside a
baseline measured in the same process:

- rolling: ``roll(user_id)`` over 50,000 random ids, against the FNV-1a hash alone;
- status refresh: the ``corral_status`` hook through a real App and Session plus rendering the
  result to a StringIO console, against rendering a plain five-line Text to the same console.

Target: at least 50,000 ids rolled per second.
"""

from __future__ import annotations

import io
import os
import random
import sys
import tempfile
from pathlib import Path

from _timing import median_seconds  # noqa: E402

RUNS = 7
N_IDS = 50_000
N_REFRESH = 2_000


def bench_roll() -> None:
    from corral_buddy.bones import roll, seed_of

    rng = random.Random(1)
    ids = [f"{rng.getrandbits(128):032x}" for _ in range(N_IDS)]

    def rolls() -> None:
        for uid in ids:
            roll(uid)

    def hashes() -> None:
        for uid in ids:
            seed_of(uid)

    t_roll = median_seconds(rolls, RUNS)
    t_hash = median_seconds(hashes, RUNS)
    per_s = N_IDS / t_roll
    print(f"roll:  {per_s:,.0f} ids/s  ({t_roll / N_IDS * 1e6:.2f} us/id, median of {RUNS})")
    print(f"hash:  {N_IDS / t_hash:,.0f} ids/s  ({t_hash / N_IDS * 1e6:.2f} us/id) [baseline]")
    print(f"roll / hash time: {t_roll / t_hash:.2f}x   target >= 50,000 ids/s: "
          f"{'met' if per_s >= 50_000 else 'MISSED'}")  # fmt: skip


def bench_status(tmp: Path) -> None:
    from corral.app import App
    from corral.session import Session
    from rich.console import Console
    from rich.text import Text

    os.environ["CORRAL_HOME"] = str(tmp / "home")
    os.environ["CORRAL_LOAD_PLUGINS"] = "buddy"
    os.environ["CORRAL_MANAGED_DIR"] = str(tmp / "managed")
    os.environ["CLAUDE_CONFIG_DIR"] = str(tmp / "claude")
    config = tmp / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[plugins.buddy]\nuser_id = "golden-348"\n', encoding="utf-8")
    project = tmp / "project"
    project.mkdir()
    app = App.create(cwd=project, strict=True)
    session = Session(app)
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system="truecolor")
    app.host.status(session)  # first call loads the profile (reads/creates the soul file)

    def refresh() -> None:
        for _ in range(N_REFRESH):
            for _name, view in app.host.status(session):
                console.print(view)
            out.seek(0)
            out.truncate()

    plain = Text("\n".join(["x" * 40] * 5))

    def baseline() -> None:
        for _ in range(N_REFRESH):
            console.print(plain)
            out.seek(0)
            out.truncate()

    t_refresh = median_seconds(refresh, RUNS) / N_REFRESH
    t_plain = median_seconds(baseline, RUNS) / N_REFRESH
    print(f"status refresh (hook + render): {t_refresh * 1e6:.0f} us  (median of {RUNS})")
    print(f"plain 5-line Text render:       {t_plain * 1e6:.0f} us [baseline]")
    print(f"ratio: {t_refresh / t_plain:.2f}x   share of a 500 ms frame: "
          f"{t_refresh / 0.5 * 100:.3f}%")  # fmt: skip


def main() -> int:
    print(f"python {sys.version.split()[0]}")
    bench_roll()
    with tempfile.TemporaryDirectory() as tmp:
        bench_status(Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
