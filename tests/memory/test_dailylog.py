"""The kernel's daily log: layout in the memory folder, rollover, the reader's order and cut-off."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from corral.memory import MemoryStore
from corral.memory.dailylog import DailyLog, daily_log_files, daily_logs_dir


def test_lines_go_to_one_file_per_local_day_in_the_memory_folder(tmp_path: Path) -> None:
    log = DailyLog(tmp_path, "kairos log")
    before = datetime(2026, 11, 25, 23, 59, 58).timestamp()
    first = log.append("tick   [files changed]\n -> Read", before)
    second = log.append("woken", datetime(2026, 11, 26, 0, 0, 1).timestamp())
    base = MemoryStore.for_project(tmp_path).root / "logs"
    assert daily_logs_dir(tmp_path) == base == log.base
    assert first == base / "2026" / "11" / "2026-11-25.md"
    assert first.read_text().splitlines() == [
        f"# kairos log 2026-11-25 - {tmp_path}", "", "- 23:59:58 tick [files changed] -> Read"]
    assert second.read_text().splitlines()[2:] == ["- 00:00:01 woken"]


def test_the_reader_lists_newest_first_and_only_after_since(tmp_path: Path) -> None:
    assert daily_log_files(tmp_path) == []
    log = DailyLog(tmp_path)
    old = log.append("old", datetime(2026, 1, 1, 9).timestamp())
    new = log.append("new", datetime(2026, 2, 1, 9).timestamp())
    os.utime(old, (1_000, 1_000))
    os.utime(new, (3_000, 3_000))
    assert daily_log_files(tmp_path) == [new, old]
    assert daily_log_files(tmp_path, since=2_000) == [new]
    assert old.read_text().startswith("# log 2026-01-01 - ")
