"""The engine's cap on a tool result keeps tool notes whole and never makes a footer lie."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from corral.engine.runner import elide_middle
from corral.testing import MessagesServer, text, tool_use

from tests.engine.test_loop import new_session, run


def _result_of(server: MessagesServer) -> str:
    block = server.message_requests[1].body["messages"][2]["content"][0]
    content = block["content"]
    return content if isinstance(content, str) else "".join(b.get("text", "") for b in content)


def test_a_long_read_stops_at_whole_lines_and_its_footer_says_which(
    anthropic_server: MessagesServer, project: Path
) -> None:
    (project / "long.txt").write_text("".join(f"line {n:05d} " + "x" * 60 + "\n"
                                              for n in range(1, 5001)))
    anthropic_server.enqueue(tool_use("Read", {"file_path": "long.txt"}), text("ok"))
    session = new_session(project)
    asyncio.run(run(session, "read it"))
    shown = _result_of(anthropic_server)
    assert len(shown) <= session.config.engine.max_tool_output_chars
    footer = re.search(r"\[Showing lines 1-(\d+) of 5000 \(the size limit", shown)
    assert footer, shown[-300:]
    last = int(footer.group(1))
    assert 100 < last < 2000
    numbered = [line for line in shown.splitlines() if re.match(r"\s*\d+\t", line)]
    assert len(numbered) == last  # every line the footer names is there, and no other
    assert "elided" not in shown


def test_a_long_bash_output_keeps_its_own_note_and_exit_code(
    anthropic_server: MessagesServer, project: Path
) -> None:
    anthropic_server.enqueue(tool_use("Bash", {"command": "seq 1 200000"}), text("ok"))
    session = new_session(project)
    session.permission_mode = "bypassPermissions"
    session.config.engine.max_tool_output_chars = 20_000
    asyncio.run(run(session, "count"))
    shown = _result_of(anthropic_server)
    assert len(shown) <= 20_000
    assert re.search(r"^\[… \d+ bytes \(\d+ lines\) of output elided here; \d+ bytes in all …\]$",
                     shown, re.M), shown[9_000:11_000]
    assert shown.rstrip().endswith("Exit code: 0")
    numbers = [line for line in shown.splitlines() if line.isdigit()]
    assert numbers[0] == "1" and numbers[-1] == "200000"
    for before, after in zip(numbers, numbers[1:], strict=False):  # whole lines only
        assert int(after) > int(before)


def test_elide_middle_cuts_lines_and_keeps_bracketed_notes() -> None:
    rows = [f"row {n}\n" for n in range(5000)]
    note = "[note from the tool: something important]\n"
    text_ = "".join(rows[:2500]) + note + "".join(rows[2500:]) + "[Exit footer]"
    out = elide_middle(text_, 2_000)
    assert len(out) <= 2_000
    assert note.strip() in out.splitlines()
    assert out.endswith("[Exit footer]")
    assert all(re.fullmatch(r"row \d+|\[.*\]", line) for line in out.splitlines()), out
    assert re.search(r"\[… \d+ characters \(\d+ lines\) elided", out)
