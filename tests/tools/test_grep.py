from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from corral.tools.builtin import Grep

from .conftest import Call

HAVE_RG = shutil.which("rg") is not None
needs_rg = pytest.mark.skipif(not HAVE_RG, reason="ripgrep (rg) is not installed")

FILES: dict[str, bytes] = {
    ".gitignore": b"ignored.txt\nbuild/\n*.log\n",
    "ignored.txt": b"needle in an ignored file\n",
    "app.log": b"needle in a log\n",
    "sub/.ignore": b"!keep.log\n",
    "sub/keep.log": b"needle kept by a deeper negation\n",
    "build/out.py": b"needle in build\n",
    ".hidden/h.py": b"def needle():\n    return 1\n",
    ".git/config": b"needle in git metadata\n",
    "bin.dat": b"needle\x00binary\n",
    "README.md": b"# Title\nA Needle in the readme.\n",
    "src/a.py": (
        b"import os\n\n\ndef needle():\n    return os.getcwd()\n\n\nclass Hay:\n"
        b"    needle = 2\n    other = 3\n    needles = [needle]\n"
    ),
    "src/b.py": b"# no match here\nx = 1\n",
    "src/deep/c.ts": b"export const needle = 1;\nconst hay = 'needle';\n",
    "src/crlf.txt": b"first needle\r\nsecond\r\nthird needle\r\n",
    "src/latin1.txt": b"caf\xe9 needle\n",
    "src/long.txt": b"needle " + b"x" * 600 + b"\n",
}


@pytest.fixture
def tree(workdir: Path) -> Path:
    for i, (name, data) in enumerate(sorted(FILES.items())):
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (1_000_000 + i * 10, 1_000_000 + i * 10))
    (workdir / "src/link.py").symlink_to(workdir / "src/a.py")
    return workdir


CASES: list[dict[str, Any]] = [
    {"pattern": "needle"},
    {"pattern": "needle", "output_mode": "content"},
    {"pattern": "needle", "output_mode": "content", "-n": False},
    {"pattern": "needle", "output_mode": "content", "-C": 1},
    {"pattern": "needle", "output_mode": "content", "-A": 2, "-B": 1},
    {"pattern": "NEEDLE", "-i": True, "output_mode": "count"},
    {"pattern": "needle", "glob": "*.py"},
    {"pattern": "needle", "glob": "*.{py,ts}", "output_mode": "content"},
    {"pattern": "needle", "glob": "src/**", "output_mode": "count"},
    {"pattern": "needle", "glob": "*.txt"},
    {"pattern": "needle", "glob": "!*.py", "output_mode": "count"},
    {"pattern": "needle", "type": "py", "output_mode": "content"},
    {"pattern": "needle", "type": "ts"},
    {"pattern": "needle", "path": "src", "output_mode": "content", "head_limit": 3},
    {"pattern": "needle", "path": "src/a.py", "output_mode": "content", "-B": 1},
    {"pattern": r"def needle\(\):\n\s+return", "multiline": True, "output_mode": "content"},
    {"pattern": r"needle = 2.*needles", "multiline": True, "output_mode": "count"},
    {"pattern": r"needle$", "output_mode": "content"},
    {"pattern": r"^\s+needle", "output_mode": "content", "-n": True},
    {"pattern": "needle", "path": "build"},
    {"pattern": "needle", "path": "ignored.txt", "output_mode": "content"},
    {"pattern": "needle", "path": "bin.dat", "output_mode": "count"},
    {"pattern": "needle", "glob": "*", "output_mode": "count"},
    {"pattern": "nothing-matches-this"},
    {"pattern": "nothing-matches-this", "output_mode": "content"},
]


def _run(call: Call, backend: str, case: dict[str, Any]) -> str:
    result = call(Grep(backend=backend), **case)  # type: ignore[arg-type]
    assert not result.is_error, result.content
    assert result.meta["backend"] == backend
    return str(result.content)


@needs_rg
@pytest.mark.parametrize("case", CASES, ids=[str(i) for i in range(len(CASES))])
def test_ripgrep_and_python_agree(call: Call, tree: Path, case: dict[str, Any]) -> None:
    assert _run(call, "rg", case) == _run(call, "python", case)


@pytest.mark.parametrize("backend", ["python", pytest.param("rg", marks=needs_rg)])
def test_file_selection(call: Call, tree: Path, backend: str) -> None:
    text = _run(call, backend, {"pattern": "needle"})
    # Newest first: the fixture gives later names (sorted) later mtimes.
    assert text.splitlines() == [
        "Found 7 files",
        "sub/keep.log",
        "src/long.txt",
        "src/latin1.txt",
        "src/deep/c.ts",
        "src/crlf.txt",
        "src/a.py",
        ".hidden/h.py",
    ]
    # "Needle" in README.md differs in case; -i finds it too.
    found = _run(call, backend, {"pattern": "needle", "-i": True}).splitlines()
    assert found[0] == "Found 8 files" and "README.md" in found


@pytest.mark.parametrize("backend", ["python", pytest.param("rg", marks=needs_rg)])
def test_content_format(call: Call, tree: Path, backend: str) -> None:
    text = _run(
        call, backend, {"pattern": "needle", "path": "src/a.py", "output_mode": "content", "-A": 1}
    )
    assert text.splitlines() == [
        "src/a.py:4:def needle():",
        "src/a.py-5-    return os.getcwd()",
        "--",
        "src/a.py:9:    needle = 2",
        "src/a.py-10-    other = 3",
        "src/a.py:11:    needles = [needle]",
    ]
    long = _run(call, backend, {"pattern": "x{600}", "output_mode": "content"})
    assert long.startswith("src/long.txt:1:needle xxx") and long.endswith("[107 more characters]")


@pytest.mark.parametrize("backend", ["python", pytest.param("rg", marks=needs_rg)])
def test_count_and_head_limit(call: Call, tree: Path, backend: str) -> None:
    text = _run(call, backend, {"pattern": "needle", "path": "src", "output_mode": "count"})
    assert text.splitlines() == [
        "Found 9 matching lines in 5 files",
        "src/a.py:3",
        "src/crlf.txt:2",
        "src/deep/c.ts:2",
        "src/latin1.txt:1",
        "src/long.txt:1",
    ]
    limited = _run(call, backend, {"pattern": "needle", "head_limit": 2})
    assert limited.splitlines() == [
        "Found 7 files",
        "sub/keep.log",
        "src/long.txt",
        "[Showing the first 2 of 7 entries.]",
    ]


@pytest.mark.parametrize("backend", ["python", pytest.param("rg", marks=needs_rg)])
def test_invalid_regex(call: Call, tree: Path, backend: str) -> None:
    result = call(Grep(backend=backend), pattern="(unclosed")  # type: ignore[arg-type]
    assert result.is_error
    assert str(result.content).startswith("Invalid search:")


def test_unknown_type_and_missing_path(call: Call, tree: Path) -> None:
    bad_type = call(Grep(backend="python"), pattern="x", type="cobol")
    assert bad_type.is_error
    assert "Unknown type 'cobol'. Known types: c, cpp" in str(bad_type.content)
    missing = call(Grep(backend="python"), pattern="x", path="nope")
    assert missing.is_error and "path nope does not exist" in str(missing.content)


def test_backend_from_environment(call: Call, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRAL_GREP_BACKEND", "python")
    assert call(Grep(), pattern="needle").meta["backend"] == "python"
    monkeypatch.setenv("CORRAL_GREP_BACKEND", "rg")
    monkeypatch.setenv("PATH", str(tree / "no-bin-here"))
    result = call(Grep(), pattern="needle")
    assert result.is_error
    assert "ripgrep (rg) was requested but is not on PATH" in str(result.content)
    monkeypatch.delenv("CORRAL_GREP_BACKEND")
    assert call(Grep(), pattern="needle").meta["backend"] == "python"


def test_dash_fields_use_wire_names() -> None:
    props = Grep.input_schema()["properties"]
    assert {"-i", "-n", "-A", "-B", "-C"} <= set(props)
    assert "ignore_case" not in props
