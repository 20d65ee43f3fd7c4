from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from corral.tools.builtin import Edit, Read, Write

from .conftest import Call


def test_write_new_file_creates_parents(call: Call, workdir: Path) -> None:
    result = call(Write(), file_path="pkg/sub/new.py", content="x = 1\n")
    assert not result.is_error
    assert str(result.content).startswith("Created pkg/sub/new.py (1 lines")
    assert (workdir / "pkg/sub/new.py").read_text() == "x = 1\n"


def test_write_existing_requires_read(call: Call, workdir: Path) -> None:
    (workdir / "a.txt").write_text("old\n")
    result = call(Write(), file_path="a.txt", content="new\n")
    assert result.is_error
    assert "has not been read in this session" in str(result.content)
    assert (workdir / "a.txt").read_text() == "old\n"


def test_write_after_read_and_keeps_mode(call: Call, workdir: Path) -> None:
    path = workdir / "run.sh"
    path.write_text("echo old\n")
    path.chmod(0o750)
    call(Read(), file_path="run.sh")
    result = call(Write(), file_path="run.sh", content="echo new\n")
    assert not result.is_error and str(result.content).startswith("Wrote run.sh")
    assert path.read_text() == "echo new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert [p.name for p in workdir.iterdir()] == ["run.sh"]  # no temp file left


def test_changed_since_read_is_refused(call: Call, workdir: Path) -> None:
    path = workdir / "a.txt"
    path.write_text("one\n")
    call(Read(), file_path="a.txt")
    path.write_text("changed by the user\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    for result in (
        call(Write(), file_path="a.txt", content="x\n"),
        call(Edit(), file_path="a.txt", old_string="changed", new_string="x"),
    ):
        assert result.is_error
        assert "has changed on disk since it was last read" in str(result.content)
        assert "Read it again" in str(result.content)


def test_touched_but_unchanged_still_counts_as_read(call: Call, workdir: Path) -> None:
    path = workdir / "a.txt"
    path.write_text("one\n")
    call(Read(), file_path="a.txt")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    result = call(Edit(), file_path="a.txt", old_string="one", new_string="two")
    assert not result.is_error
    assert path.read_text() == "two\n"


def test_edit_unique_and_follow_up_edit(call: Call, workdir: Path) -> None:
    path = workdir / "m.py"
    path.write_text("".join(f"line{i}\n" for i in range(1, 21)))
    call(Read(), file_path="m.py")
    first = call(Edit(), file_path="m.py", old_string="line10\n", new_string="TEN\n")
    assert not first.is_error
    text = str(first.content)
    assert text.startswith("Edited m.py.")
    assert "    10\tTEN" in text and "     6\tline6" in text and "    14\tline14" in text
    assert "     5\tline5" not in text
    second = call(Edit(), file_path="m.py", old_string="line11", new_string="ELEVEN")
    assert not second.is_error
    assert "TEN\nELEVEN\n" in path.read_text()


def test_edit_not_found(call: Call, workdir: Path) -> None:
    (workdir / "a.txt").write_text("hello\n")
    call(Read(), file_path="a.txt")
    result = call(Edit(), file_path="a.txt", old_string="bye", new_string="x")
    assert result.is_error
    assert "old_string was not found in a.txt" in str(result.content)


def test_edit_ambiguous_says_how_many(call: Call, workdir: Path) -> None:
    path = workdir / "a.txt"
    path.write_text("x = 1\nx = 1\nx = 1\n")
    call(Read(), file_path="a.txt")
    result = call(Edit(), file_path="a.txt", old_string="x = 1", new_string="y")
    assert result.is_error
    assert "occurs 3 times in a.txt" in str(result.content)
    assert "replace_all" in str(result.content)
    done = call(Edit(), file_path="a.txt", old_string="x = 1", new_string="y", replace_all=True)
    assert not done.is_error and "Replaced 3 occurrences" in str(done.content)
    assert path.read_text() == "y\ny\ny\n"


def test_edit_identical_strings(call: Call, workdir: Path) -> None:
    result = call(Edit(), file_path="a.txt", old_string="same", new_string="same")
    assert result.is_error and "identical" in str(result.content)


def test_edit_without_read(call: Call, workdir: Path) -> None:
    (workdir / "a.txt").write_text("hello\n")
    result = call(Edit(), file_path="a.txt", old_string="hello", new_string="bye")
    assert result.is_error and "has not been read" in str(result.content)


def test_edit_missing_file_and_create_with_empty_old(call: Call, workdir: Path) -> None:
    missing = call(Edit(), file_path="new.txt", old_string="a", new_string="b")
    assert missing.is_error and "File does not exist: new.txt" in str(missing.content)
    created = call(Edit(), file_path="new.txt", old_string="", new_string="fresh\n")
    assert not created.is_error
    assert (workdir / "new.txt").read_text() == "fresh\n"
    again = call(Edit(), file_path="new.txt", old_string="", new_string="x")
    assert again.is_error and "already exists" in str(again.content)


def test_edit_crlf_file(call: Call, workdir: Path) -> None:
    path = workdir / "w.txt"
    path.write_bytes(b"a\r\nb\r\nc\r\n")
    call(Read(), file_path="w.txt")
    result = call(Edit(), file_path="w.txt", old_string="a\nb", new_string="A\nB")
    assert not result.is_error
    assert path.read_bytes() == b"A\r\nB\r\nc\r\n"


def test_write_through_symlink_keeps_link(call: Call, workdir: Path) -> None:
    target = workdir / "real.txt"
    target.write_text("v1\n")
    (workdir / "link.txt").symlink_to(target)
    call(Read(), file_path="link.txt")
    assert not call(Write(), file_path="link.txt", content="v2\n").is_error
    assert (workdir / "link.txt").is_symlink()
    assert target.read_text() == "v2\n"


def test_write_then_edit_without_reread(call: Call, session: Any, workdir: Path) -> None:
    assert not call(Write(), file_path="f.txt", content="a\nb\n").is_error
    result = call(Edit(), file_path="f.txt", old_string="b", new_string="c")
    assert not result.is_error
    assert (workdir / "f.txt").read_text() == "a\nc\n"


def test_write_os_error(call: Call, workdir: Path) -> None:
    (workdir / "plain.txt").write_text("x\n")
    result = call(Write(), file_path="plain.txt/inner/new.txt", content="y")
    assert result.is_error
    assert str(result.content).startswith("Cannot ")
    assert "plain.txt/inner" in str(result.content)


def test_edit_refuses_non_utf8(call: Call, workdir: Path) -> None:
    (workdir / "latin.txt").write_bytes(b"caf\xe9\n")
    call(Read(), file_path="latin.txt")
    result = call(Edit(), file_path="latin.txt", old_string="caf", new_string="tea")
    assert result.is_error
    assert result.content == "latin.txt is not UTF-8 text; Edit only changes UTF-8 files."
    assert (workdir / "latin.txt").read_bytes() == b"caf\xe9\n"


def test_edit_directory(call: Call, workdir: Path) -> None:
    (workdir / "d").mkdir()
    result = call(Edit(), file_path="d", old_string="a", new_string="b")
    assert result.is_error and result.content == "d is a directory, not a file."
