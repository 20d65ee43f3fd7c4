from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from corral.tools.builtin import Read
from corral.tools.builtin._read_tracking import FILES
from corral.tools.builtin.read import DEFAULT_LIMIT, MAX_LINE_CHARS

from .conftest import Call

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_numbered_lines_cat_n_style(call: Call, workdir: Path) -> None:
    (workdir / "a.txt").write_text("alpha\nbeta\n\tgamma\n")
    result = call(Read(), file_path="a.txt")
    assert not result.is_error
    assert result.content == "     1\talpha\n     2\tbeta\n     3\t\tgamma"


def test_absolute_path_and_offset_limit(call: Call, workdir: Path) -> None:
    path = workdir / "n.txt"
    path.write_text("".join(f"line {i}\n" for i in range(1, 11)))
    result = call(Read(), file_path=str(path), offset=4, limit=3)
    body, note = str(result.content).split("\n\n")
    assert body.splitlines() == ["     4\tline 4", "     5\tline 5", "     6\tline 6"]
    assert "lines 4-6 of 10" in note


def test_default_limit_is_2000_lines(call: Call, workdir: Path) -> None:
    (workdir / "big.txt").write_text("".join(f"{i}\n" for i in range(1, 2501)))
    text = str(call(Read(), file_path="big.txt").content)
    numbered = [line for line in text.splitlines() if "\t" in line]
    assert len(numbered) == DEFAULT_LIMIT
    assert numbered[-1] == "  2000\t2000"
    assert "lines 1-2000 of 2500" in text


def test_long_lines_are_cut_with_a_marker(call: Call, workdir: Path) -> None:
    (workdir / "wide.txt").write_text("x" * (MAX_LINE_CHARS + 123) + "\n")
    text = str(call(Read(), file_path="wide.txt").content)
    assert text.startswith("     1\t" + "x" * MAX_LINE_CHARS + "…")
    assert "123 more characters" in text


def test_offset_past_end(call: Call, workdir: Path) -> None:
    (workdir / "s.txt").write_text("one\ntwo\n")
    result = call(Read(), file_path="s.txt", offset=5)
    assert result.is_error
    assert "has 2 lines; offset 5 is past the end" in str(result.content)


def test_empty_file_says_so(call: Call, workdir: Path) -> None:
    (workdir / "empty.txt").write_bytes(b"")
    result = call(Read(), file_path="empty.txt")
    assert not result.is_error
    assert "exists but is empty" in str(result.content)


def test_missing_file_suggests_near_names(call: Call, workdir: Path) -> None:
    (workdir / "config.yaml").write_text("a: 1\n")
    result = call(Read(), file_path="config.yml")
    assert result.is_error
    assert "File does not exist: config.yml." in str(result.content)
    assert "config.yaml" in str(result.content)


def test_missing_directory(call: Call) -> None:
    result = call(Read(), file_path="nope/x.txt")
    assert result.is_error
    assert "directory does not exist" in str(result.content)


def test_directory_refused(call: Call, workdir: Path) -> None:
    (workdir / "d").mkdir()
    result = call(Read(), file_path="d")
    assert result.is_error and "is a directory" in str(result.content)


def test_binary_refused(call: Call, workdir: Path) -> None:
    (workdir / "blob.bin").write_bytes(b"abc\x00def")
    result = call(Read(), file_path="blob.bin")
    assert result.is_error
    assert "binary file (NUL byte at offset 3)" in str(result.content)


def test_image_returned_as_image_block(call: Call, workdir: Path) -> None:
    (workdir / "dot.png").write_bytes(PNG)
    result = call(Read(), file_path="dot.png")
    assert not result.is_error
    assert isinstance(result.content, list)
    block = result.content[0]
    assert block["type"] == "image"
    assert block["source"]["media_type"] == "image/png"
    assert base64.b64decode(block["source"]["data"]) == PNG


def test_read_records_tracking_state(call: Call, session: Any, workdir: Path) -> None:
    path = workdir / "t.txt"
    path.write_text("hello\n")
    call(Read(), file_path="t.txt")
    record = session.stash[FILES][str(path)]
    assert record.size == 6
    assert record.mtime_ns == path.stat().st_mtime_ns


def test_invalid_utf8_is_shown_with_replacement(call: Call, workdir: Path) -> None:
    (workdir / "latin.txt").write_bytes(b"caf\xe9\n")
    content = str(call(Read(), file_path="latin.txt").content)
    assert content.startswith("     1\tcaf\ufffd\n\n[latin.txt is not valid UTF-8")


def test_lines_end_at_newline_only(call: Call, workdir: Path) -> None:
    # A form feed or a lone CR does not start a new line (as for Grep and cat -n); CRLF
    # endings are shown without the CR.
    (workdir / "ff.txt").write_bytes(b"a\x0cb\r\nc\rd\nlast")
    assert call(Read(), file_path="ff.txt").content == (
        "     1\ta\x0cb\n     2\tc\rd\n     3\tlast"
    )


def test_output_size_is_bounded(call: Call, workdir: Path) -> None:
    from corral.config.schema import EngineSettings

    cap = EngineSettings().max_tool_output_chars  # the engine's cap on one tool result
    (workdir / "wide.txt").write_text(("y" * 1500 + "\n") * 300)
    text = str(call(Read(), file_path="wide.txt").content)
    assert len(text) <= cap
    shown = text.count("\t")
    assert 10 < shown < 300
    assert f"[Showing lines 1-{shown} of 300 (the size limit" in text


def test_fifo_refused_without_blocking(call: Call, workdir: Path) -> None:
    import os

    os.mkfifo(workdir / "pipe")
    result = call(Read(), file_path="pipe")
    assert result.is_error and "not a regular file" in str(result.content)


def test_os_error_is_reported(call: Call, workdir: Path) -> None:
    (workdir / "plain.txt").write_text("x\n")
    result = call(Read(), file_path="plain.txt/inner")
    assert result.is_error
    assert result.content == "Cannot read plain.txt/inner: Not a directory."
