from __future__ import annotations

import os
from pathlib import Path

from corral.tools.builtin import Glob
from corral.tools.builtin.glob import MAX_RESULTS

from .conftest import Call


def _touch(path: Path, mtime: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    os.utime(path, (mtime, mtime))


def test_newest_first_and_patterns(call: Call, workdir: Path) -> None:
    _touch(workdir / "a.py", 1000)
    _touch(workdir / "src/b.py", 3000)
    _touch(workdir / "src/deep/c.py", 2000)
    _touch(workdir / "src/deep/d.ts", 4000)
    _touch(workdir / ".git/hooks/e.py", 5000)
    assert call(Glob(), pattern="**/*.py").content == "src/b.py\nsrc/deep/c.py\na.py"
    assert call(Glob(), pattern="*.py").content == "a.py"
    assert call(Glob(), pattern="src/**/*.{py,ts}").content == (
        "src/deep/d.ts\nsrc/b.py\nsrc/deep/c.py"
    )
    assert call(Glob(), pattern="*.py", path="src/deep").content == "src/deep/c.py"
    assert call(Glob(), pattern="src/?.py").content == "src/b.py"
    assert call(Glob(), pattern="[ab].py").content == "a.py"


def test_paths_outside_cwd_are_absolute(call: Call, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    _touch(other / "x.txt", 1000)
    assert call(Glob(), pattern="*.txt", path=str(other)).content == str(other / "x.txt")


def test_no_match_and_bad_path(call: Call, workdir: Path) -> None:
    assert call(Glob(), pattern="*.nothing").content == "No files found."
    missing = call(Glob(), pattern="*", path="nope")
    assert missing.is_error and "path nope does not exist" in str(missing.content)
    (workdir / "f").write_text("")
    not_dir = call(Glob(), pattern="*", path="f")
    assert not_dir.is_error and "is not a directory" in str(not_dir.content)
    absolute = call(Glob(), pattern="/etc/*")
    assert absolute.is_error and "pattern must be relative" in str(absolute.content)


def test_capped_with_a_note(call: Call, workdir: Path) -> None:
    for i in range(MAX_RESULTS + 5):
        _touch(workdir / f"f{i:03}.txt", 1000 + i)
    text = str(call(Glob(), pattern="*.txt").content)
    lines = text.splitlines()
    assert lines[0] == f"f{MAX_RESULTS + 4:03}.txt"
    assert len([line for line in lines if line.endswith(".txt")]) == MAX_RESULTS
    assert f"Showing the {MAX_RESULTS} newest of {MAX_RESULTS + 5} files" in lines[-1]
