"""A session is plain state; a sub-agent's session is made by the parent's factory."""

from __future__ import annotations

import asyncio
from pathlib import Path

from corral.app import App
from corral.session import Session


async def _ask(call: object, decision: object) -> tuple[str, str]:
    return ("allow", "")


def test_a_child_shares_what_it_must_and_keeps_its_own(project: Path) -> None:
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    parent = Session(app, headless=True, permission_mode="acceptEdits", max_budget_usd=2.5,
                     ask_permission=_ask)
    sub = project / "sub"
    sub.mkdir()
    child = parent.child("reviewer", cwd=sub, permission_mode="plan", max_turns=4,
                         append_system_prompt="Review only.",
                         tools={"Read": parent.tools["Read"]})
    assert (child.app, child.headless, child.ask_permission) == (app, True, _ask)
    assert (child.parent_id, child.agent) == (parent.id, "reviewer")
    assert (child.cwd, child.permission_mode, child.model) == (sub.resolve(), "plan", parent.model)
    assert (child.max_turns, child.max_budget_usd) == (4, 2.5)
    assert child.append_system_prompt == "Review only."
    assert list(child.tools) == ["Read"] and child.id != parent.id
    plain = parent.child("helper")
    assert (plain.cwd, plain.permission_mode) == (parent.cwd, "acceptEdits")
    assert "Bash" in plain.tools


def test_session_state_needs_no_engine_until_it_starts(project: Path) -> None:
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    session = Session(app, headless=True)
    assert "lifecycle" not in vars(app)  # nothing but state so far
    asyncio.run(session.start())
    assert "lifecycle" in vars(app)
    asyncio.run(session.end())
