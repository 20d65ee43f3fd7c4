"""Memory tool calls and the permission chain."""

from __future__ import annotations

from pathlib import Path


def test_memory_search_is_allowed_in_plan_mode_but_add_is_not(project: Path) -> None:
    import asyncio

    from corral.app import App
    from corral.engine.permission_gate import decide_call
    from corral.memory.tool import MemoryTool
    from corral.session import Session
    from corral.tools import ToolCall

    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""})
    session = Session(app, headless=True, permission_mode="plan")
    tool = MemoryTool()
    search = ToolCall(id="1", name="Memory", input={"command": "search", "query": "tox"})
    add = ToolCall(id="2", name="Memory", input={"command": "add", "text": "x", "type": "project"})
    assert asyncio.run(decide_call(session, search, tool)).decision == "allow"
    assert asyncio.run(decide_call(session, add, tool)).decision == "deny"
