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


def test_fields_live_in_typed_parts_and_read_as_attributes(project: Path) -> None:
    from corral.session import RunTotals, SessionOptions, SessionServices

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    session = Session(app, permission_mode="plan", max_turns=3, ask_permission=_ask)
    assert isinstance(session.options, SessionOptions)
    assert (session.options.permission_mode, session.options.max_turns) == ("plan", 3)
    assert isinstance(session.services, SessionServices) and session.services.ask_permission is _ask
    session.model = "claude-x"  # an attribute write lands in its part
    session.cost_usd = 0.5
    assert (session.options.model, session.totals.cost_usd) == ("claude-x", 0.5)
    assert session.usage is session.totals.usage
    other = Session(app)
    assert other.totals is not session.totals and other.totals.cost_usd is None
    assert other.listeners is not session.listeners  # parts are never shared by default
    resumed = Session(app, session_id="abc", messages=[{"role": "user", "content": "hi"}],
                      totals=RunTotals(num_turns=4, cost_usd=1.25))
    assert (resumed.id, resumed.num_turns, resumed.cost_usd) == ("abc", 4, 1.25)
    assert resumed.messages[0]["content"] == "hi"
