"""The ``[plugins.batch]`` table: found by entry point, on by default, strict, and used."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from corral.testing import MessagesServer, check_settings_table
from corral_batch.results import read_results
from corral_batch.settings import Settings


def test_settings_table(tmp_path: Path) -> None:
    check_settings_table(tmp_path / "kit", "batch", Settings(), distribution="corral-batch",
                         enabled_by_default=True)


def test_the_settings_table_gives_the_defaults(
    tmp_path: Path, server: MessagesServer, write_tasks: Callable[..., Path],
    run_batch: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "corral.toml").write_text(
        '[plugins.batch]\nworkers = 2\nrun_dir = "checkouts"\n')
    out = tmp_path / "results.jsonl"
    done = run_batch(write_tasks(2), "--out", out)
    assert done.returncode == 0, done.stderr
    workdirs = {Path(r.workdir) for r in read_results(out)}
    assert workdirs == {(tmp_path / "checkouts" / f"t{n:03d}" / "repo").resolve()
                        for n in range(2)}

    (tmp_path / ".claude" / "corral.toml").write_text("[plugins.batch]\nworkres = 2\n")
    bad = run_batch(write_tasks(2), "--out", tmp_path / "other.jsonl")
    assert bad.returncode != 0 and "workres" in bad.stderr
