from __future__ import annotations

import os
from pathlib import Path

from corral.atomic import write_atomic


def test_new_file_gets_the_umask_mode_and_existing_keeps_its_own(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "deep" / "new.txt"
        write_atomic(fresh, "hello")
        assert fresh.read_text() == "hello"
        assert fresh.stat().st_mode & 0o777 == 0o644
        secret = tmp_path / "secret.txt"
        secret.write_text("old")
        secret.chmod(0o600)
        write_atomic(secret, b"new")
        assert secret.read_bytes() == b"new" and secret.stat().st_mode & 0o777 == 0o600
        chosen = tmp_path / "chosen.txt"
        write_atomic(chosen, "x", mode=0o640)
        assert chosen.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_temp_files_of_interrupted_writes_are_removed(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    from corral.atomic import write_atomic

    target = tmp_path / "notes.md"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left_by_dead = tmp_path / f".notes.md.corral-{dead.pid}-0123abcd.tmp"
    left_long_ago = tmp_path / ".notes.md.corral-89abcdef.tmp"  # an older name, no pid
    live = tmp_path / f".notes.md.corral-{os.getppid()}-fedcba98.tmp"  # a writer still at work
    other = tmp_path / f".other.md.corral-{dead.pid}-00000000.tmp"
    for temp in (left_by_dead, left_long_ago, live, other):
        temp.write_text("partial")
    old = time.time() - 3600
    os.utime(left_long_ago, (old, old))
    write_atomic(target, "whole")
    assert target.read_text() == "whole"
    assert not left_by_dead.exists() and not left_long_ago.exists()
    assert live.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, live.name, other.name])
