"""Small things a new user met (issue 16, item 13), each pinned."""

from __future__ import annotations

import json
from pathlib import Path

from corral.custom_commands import expand, load_custom_commands

from tests.test_cli import corral


def test_an_include_at_the_end_of_a_sentence_is_expanded(project: Path) -> None:
    (project / ".claude" / "commands").mkdir(parents=True)
    (project / ".claude" / "commands" / "look.md").write_text("Read @notes.md. Then @a.b.txt, ok")
    (project / "notes.md").write_text("the notes")
    (project / "a.b.txt").write_text("dotted")
    found = load_custom_commands(project)[0]
    out = expand(found["look"], "", project)
    assert "@notes.md\n```\nthe notes\n```." in out
    assert "@a.b.txt\n```\ndotted\n```," in out


def test_enabling_a_plugin_that_is_not_installed_fails_doctor(project: Path) -> None:
    out = corral("--enable", "nosuch", "doctor", cwd=project)
    assert out.returncode != 0
    assert "nosuch" in out.stdout and "no problems found" not in out.stdout


def test_total_cost_is_rounded(anthropic_server, project: Path) -> None:
    from corral.testing import text, tool_use

    from tests._distinfo import cli_env

    anthropic_server.enqueue(  # $0.006 + $0.0036 adds up to 0.009600000000000001 in floats
        tool_use("Glob", {"pattern": "*"}).with_usage(input_tokens=1000, output_tokens=200),
        text("hi").with_usage(input_tokens=700, output_tokens=100))
    env = cli_env(ANTHROPIC_BASE_URL=anthropic_server.base_url, ANTHROPIC_API_KEY="test")
    out = corral("-p", "hi", "--output-format", "json", cwd=project, env=env)
    cost = json.loads(out.stdout.strip().splitlines()[-1])["total_cost_usd"]
    assert cost == round(cost, 6) and len(repr(cost)) <= 10, cost
    assert cost == 0.0096


def test_reading_a_latin1_file_says_what_the_replacement_characters_mean(project: Path) -> None:
    import asyncio

    from corral.tools.builtin.read import Read, ReadInput

    from tests.engine.test_loop import new_session

    (project / "old.txt").write_bytes("caf\xe9 cr\xe8me\n".encode("latin-1"))
    (project / "new.txt").write_text("café crème\n")
    session = new_session(project)
    old = asyncio.run(Read().run(session, ReadInput(file_path="old.txt")))
    assert "\ufffd" in str(old.content)
    assert "not valid UTF-8" in str(old.content) and "Latin-1" in str(old.content)
    new = asyncio.run(Read().run(session, ReadInput(file_path="new.txt")))
    assert "UTF-8" not in str(new.content)


def test_readme_names_the_optional_tools_and_the_pythons_tox_needs() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    setup = readme.split("## What corral is")[0]
    assert "Optional system tools" in setup
    for tool in ("ripgrep", "tmux", "bubblewrap"):
        assert tool in setup
    assert "tox needs the interpreters" in setup and "3.11, 3.12 and 3.13" in setup


def test_shortened_cells_end_on_a_whole_word_with_an_ellipsis() -> None:
    from corral.api import shorten

    text = "Review the change and report PARTIAL with evidence for every claim it makes"
    short = shorten(text, 40)
    assert len(short) <= 40 and short.endswith("…")
    assert all(word in text.split() for word in short.rstrip("…").split())
    assert shorten("fits", 40) == "fits"
    assert shorten("x" * 50, 10) == "x" * 9 + "…"


def test_the_agents_table_cuts_descriptions_at_words(project: Path) -> None:
    import pytest

    pytest.importorskip("corral_coordinator")
    agents = project / ".claude" / "agents"
    agents.mkdir(parents=True)
    description = ("Checks a finished change against its issue and answers DONE or PARTIAL "
                   "with evidence for each claim, quoting the lines that prove it, always")
    (agents / "checker.md").write_text(
        f"---\nname: checker\ndescription: {description}\n---\nCheck things.\n")
    out = corral("agents", "--json", cwd=project)
    assert out.returncode == 0, out.stderr
    import io

    import msgspec
    from corral_coordinator.listing import Listing, ListingView
    from rich.console import Console

    data = msgspec.json.decode(out.stdout, type=Listing)
    buf = io.StringIO()
    Console(file=buf, width=400).print(ListingView(data))
    row = next(line for line in buf.getvalue().splitlines() if "checker" in line)
    assert "evid " not in row and "…" in row


def test_subcommand_help_is_short_and_says_what_the_command_does(project: Path) -> None:
    for command, words in (("sessions", "newest first"), ("plugins", "installed plugins"),
                           ("doctor", "credentials")):
        out = corral(command, "--help", cwd=project)
        assert out.returncode == 0
        assert words in out.stdout, out.stdout
        assert "--permission-mode" in out.stdout  # named once in the note, not listed
        assert "--disallowedTools" not in out.stdout and len(out.stdout.splitlines()) < 16
    add = corral("memory", "add", "--help", cwd=project).stdout
    assert "what kind of memory" in add
    search = corral("memory", "search", "--help", cwd=project).stdout
    assert "at most this many" in search
    top = corral("--help", cwd=project).stdout
    assert "--disallowedTools" in top  # the global options still listed where they belong
