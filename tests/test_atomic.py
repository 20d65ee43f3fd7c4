from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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


def test_which_mounts_commit_data_before_a_replacing_rename() -> None:
    from corral.atomic import mount_orders_renames

    def line(fstype: str, options: str) -> str:
        return f"27 1 254:0 / / rw,relatime - {fstype} /dev/vda {options}"

    assert mount_orders_renames(line("ext4", "rw,discard"))
    assert mount_orders_renames(line("ext4", "rw,data=journal"))
    assert not mount_orders_renames(line("ext4", "rw,noauto_da_alloc"))
    assert not mount_orders_renames(line("ext4", "rw,data=writeback"))
    for other in ("xfs", "btrfs", "tmpfs", "overlay", "nfs4"):
        assert not mount_orders_renames(line(other, "rw"))
    assert not mount_orders_renames("garbage without a separator")


def _fsynced_paths(monkeypatch: Any) -> list[str]:
    """Record what each fsync synced (by the path of its descriptor)."""
    import corral.atomic as atomic

    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    return synced


def test_replacing_a_file_where_renames_commit_data_needs_no_fsync_of_it(
        tmp_path: Path, monkeypatch: Any) -> None:
    import corral.atomic as atomic

    synced = _fsynced_paths(monkeypatch)
    monkeypatch.setattr(atomic, "rename_commits_data", lambda device: True)
    target = tmp_path / "kept.txt"
    target.write_text("old")
    write_atomic(target, "new")
    atomic._background().submit(lambda: None).result(5)  # the directory's fsync ran
    assert target.read_text() == "new"
    assert synced == [str(tmp_path)]
    synced.clear()
    fresh = tmp_path / "fresh.txt"  # nothing to replace: the data is synced first
    write_atomic(fresh, "first")
    assert len(synced) == 2 and synced[0].endswith(".tmp") and synced[1] == str(tmp_path)


def test_elsewhere_the_file_is_synced_before_the_rename(tmp_path: Path,
                                                        monkeypatch: Any) -> None:
    import corral.atomic as atomic

    synced = _fsynced_paths(monkeypatch)
    monkeypatch.setattr(atomic, "rename_commits_data", lambda device: False)
    target = tmp_path / "kept.txt"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert len(synced) == 2 and ".kept.txt.corral-" in synced[0] and synced[1] == str(tmp_path)


def test_a_mount_that_is_not_ext4_is_not_trusted_with_renames() -> None:
    from corral.atomic import rename_commits_data

    if not Path("/proc/self/mountinfo").exists():
        return
    assert rename_commits_data(os.stat("/proc").st_dev) is False  # procfs
    assert rename_commits_data(os.makedev(4095, 1048575)) is False  # no such mount
