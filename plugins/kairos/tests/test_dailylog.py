"""Daily logs in the memory folder: layout, midnight rollover, the store's lock, migration."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from corral.api import MemoryStore
from corral_kairos.dailylog import legacy_logs_dir, logs_dir, open_log


def test_logs_live_in_the_memory_folder_and_roll_over_at_local_midnight(project: Path) -> None:
    log = open_log(project)
    before = datetime(2026, 11, 25, 23, 59, 58).timestamp()
    after = datetime(2026, 11, 26, 0, 0, 1).timestamp()
    first = log.append("tick [files changed]   ->\n Read; 1 calls", before)
    again = log.append("kairos: sleep 600s: nothing to do", before + 1)
    second = log.append("kairos: woken by user input", after)

    memory = project / ".claude" / "memory"
    assert logs_dir(project) == MemoryStore.for_project(project).root / "logs" == memory / "logs"
    assert first == again == memory / "logs" / "2026" / "11" / "2026-11-25.md"
    assert second == memory / "logs" / "2026" / "11" / "2026-11-26.md"
    assert first.read_text().splitlines() == [
        f"# kairos log 2026-11-25 - {project}", "",
        "- 23:59:58 tick [files changed] -> Read; 1 calls",
        "- 23:59:59 kairos: sleep 600s: nothing to do",
    ]
    assert second.read_text().splitlines()[2:] == ["- 00:00:01 kairos: woken by user input"]
    # the layout the dream plugin globs for
    assert sorted(p.name for p in logs_dir(project).glob("*/*/*.md")) == [
        "2026-11-25.md", "2026-11-26.md"]


def test_each_append_holds_the_memory_stores_lock(project: Path) -> None:
    log = open_log(project)
    seen: list[str] = []
    real = log.store.lock

    @contextlib.contextmanager
    def watched(timeout: float = 10.0) -> Iterator[None]:
        with real(timeout):
            seen.append("locked")
            yield
            seen.append(f"lines while locked: {len(path.read_text().splitlines())}")

    path = log.path_for(datetime(2026, 3, 1, 12).timestamp())
    log.store.lock = watched  # type: ignore[method-assign]
    log.append("one", datetime(2026, 3, 1, 12).timestamp())
    log.append("two", datetime(2026, 3, 1, 12, 1).timestamp())
    assert seen == ["locked", "lines while locked: 3", "locked", "lines while locked: 4"]


def test_logs_from_the_old_location_move_into_the_memory_folder(project: Path) -> None:
    old = legacy_logs_dir(project)
    (old / "2026" / "10").mkdir(parents=True)
    (old / "2026" / "10" / "2026-10-01.md").write_text(
        "# kairos log 2026-10-01 - x\n\n- 09:00:00 tick [a] -> no tools\n")
    (old / "2026" / "10" / "2026-10-02.md").write_text(
        "# kairos log 2026-10-02 - x\n\n- 08:00:00 early\n- 11:00:00 late\n")
    new = open_log(project)  # moves the old logs in
    assert not old.exists()
    moved = logs_dir(project) / "2026" / "10"
    assert (moved / "2026-10-01.md").read_text().splitlines()[2:] == [
        "- 09:00:00 tick [a] -> no tools"]
    # a day logged in both places is merged in time order
    (old / "2026" / "10").mkdir(parents=True)
    (old / "2026" / "10" / "2026-10-02.md").write_text("# kairos log\n\n- 10:00:00 middle\n")
    new.append("later still", datetime(2026, 10, 2, 12).timestamp())
    assert logs_dir(project) == new.base
    assert (moved / "2026-10-02.md").read_text().splitlines() == [
        "# kairos log 2026-10-02 - x", "",
        "- 08:00:00 early", "- 10:00:00 middle", "- 11:00:00 late", "- 12:00:00 later still",
    ]
    assert not old.exists()
