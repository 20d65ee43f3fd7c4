"""Interrupting the parent's turn cancels its sub-agents and their shell commands."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from corral.api import App, Engine, Event, Notice, Session
from corral.testing import MessagesServer, tool_use

from ._script import MAIN, Router
from .conftest import alive, write_agent


@pytest.mark.usefixtures("corral_no_sandbox")
def test_interrupt_cancels_children_and_their_processes(
    anthropic_server: MessagesServer, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "sleeper", "You are SLEEPER-MARK.")
    router = Router({
        MAIN: [tool_use("Agent", {"description": "sleep", "prompt": "sleep",
                                  "subagent_type": "sleeper"})],
        "SLEEPER-MARK": [tool_use("Bash", {"command": "echo $$ > pid.txt; exec sleep 60"})],
    })
    anthropic_server.respond_with(router)
    pid_file = project / "pid.txt"

    async def scenario() -> tuple[object, Session, list[Event]]:
        app = App.create(cwd=project, cli={"permissions": {"default_mode": "bypassPermissions"}})
        session = Session(app, headless=True)
        seen: list[Event] = []
        session.listeners.append(seen.append)
        engine = Engine(session)
        await session.start()
        task = asyncio.create_task(engine.run_turn("go"))
        for _ in range(500):  # bounded wait for the child's shell command to start
            if pid_file.exists() and pid_file.read_text().strip():
                break
            await asyncio.sleep(0.02)
        task.cancel()
        outcome = await task
        await engine.aclose()
        await session.end()
        return outcome, session, seen

    outcome, session, seen = asyncio.run(scenario())
    assert getattr(outcome, "reason", None) == "interrupted"
    pid = int(pid_file.read_text())
    for _ in range(250):
        if not alive(pid):
            break
        import time

        time.sleep(0.02)
    assert not alive(pid), "the child's shell command outlived the interrupt"
    [result] = session.messages[-1]["content"]
    assert result["is_error"] and "Interrupted" in result["content"]
    finished = [e for e in seen if isinstance(e, Notice)
                and e.data.get("kind") == "subagent_finished"]
    [notice] = finished
    assert notice.data["is_error"] is True
    child_events = [json.loads(line)
                    for line in Path(notice.data["transcript"]).read_text().splitlines()]
    ends = [e for e in child_events if e["type"] == "turn_end"]
    assert ends and ends[-1]["reason"] == "interrupted"
    assert child_events[-1]["type"] == "session_ended"
