"""Output styles: ``outputStyle``, style files and ``/output-style`` change the system prompt."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from corral.app import App
from corral.session import Session
from corral.testing import text


def system_text(request) -> str:
    system = request.body["system"]
    return system if isinstance(system, str) else "\n".join(b["text"] for b in system)


def test_a_builtin_style_from_settings_reaches_the_system_prompt(
        anthropic_server, run_cli, project: Path) -> None:
    (project / ".claude" / "settings.json").write_text(json.dumps({"outputStyle": "explanatory"}))
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "hi")
    assert code == 0, out + err
    system = system_text(anthropic_server.last_request)
    assert "Output style: explanatory" in system
    assert "Read before you change" in system  # the built-ins keep the coding guidance


def test_a_project_style_file_replaces_the_coding_guidance(
        anthropic_server, run_cli, project: Path) -> None:
    styles = project / ".claude" / "output-styles"
    styles.mkdir()
    (styles / "reviewer.md").write_text(
        "---\nname: Code Reviewer\ndescription: reviews: never edits\n---\n"
        "Review the code you are shown and list problems by severity.\n")
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"outputStyle": "code reviewer"}))
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "hi")
    assert code == 0, out + err
    system = system_text(anthropic_server.last_request)
    assert "list problems by severity" in system
    assert "Read before you change" not in system  # keep-coding-instructions is false


def test_the_slash_command_lists_switches_and_saves(anthropic_server, project: Path) -> None:
    local = project / ".claude" / "settings.local.json"
    local.write_text(json.dumps({"permissions": {"allow": ["Read"]}}))
    app = App.create(cwd=project)
    session = Session(app, headless=True)
    [command] = [c for _, c in app.host.register_commands(session) if c.name == "output-style"]
    listing = command.run(session, "")
    assert "* default" in listing and "Learning" in listing and "Explanatory" in listing
    assert "no output style 'poetic'" in command.run(session, "poetic")
    said = command.run(session, "learning")
    assert "output style Learning" in said and str(local) in said
    saved = json.loads(local.read_text())
    assert saved == {"permissions": {"allow": ["Read"]}, "outputStyle": "Learning"}
    sections = asyncio.run(app.host.system_prompt(session))
    assert any("Output style: learning" in s.text for s in sections)
    assert "* Learning" in command.run(session, "")
