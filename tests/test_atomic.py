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
