"""A large CLAUDE.md is sent whole, with one warning that says how large it is."""

from __future__ import annotations

import json
from pathlib import Path

from corral.testing import MessagesServer, text


def test_a_large_claude_md_is_sent_whole_with_one_warning(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    lines = [f"Rule {n}: keep module {n} under review before release." for n in range(7000)]
    body = "\n".join(lines) + "\nLAST-RULE-AT-THE-END"
    assert len(body) > 340_000
    (project / "CLAUDE.md").write_text(body)
    anthropic_server.enqueue(text("ok"), text("again"))
    code, out, err = run_cli("-p", "hi", "--output-format", "corral-events")
    assert code == 0, out + err
    system = "\n".join(b["text"] for b in anthropic_server.message_requests[0].body["system"])
    assert body in system and "were cut" not in system
    notices = [e["text"] for e in map(json.loads, out.splitlines())
               if e.get("type") == "notice" and "CLAUDE.md" in e.get("text", "")]
    assert len(notices) == 1 and f"{len(body):,} characters" in notices[0]


def test_a_budget_the_user_sets_still_cuts(anthropic_server: MessagesServer, run_cli,
                                           project: Path) -> None:
    (project / "CLAUDE.md").write_text("A" * 5000)
    (project / ".claude" / "corral.toml").write_text("[memory]\nmax_instruction_chars = 1000\n")
    anthropic_server.enqueue(text("ok"))
    code, _, err = run_cli("-p", "hi")
    assert code == 0, err
    system = "\n".join(b["text"] for b in anthropic_server.message_requests[0].body["system"])
    assert "A" * 1000 in system and "A" * 1001 not in system and "4000 characters" in system
