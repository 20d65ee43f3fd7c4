from __future__ import annotations

import io
from typing import Any

import msgspec
import pytest
from corral.tools.builtin import TodoWrite, todos_of
from corral.tools.builtin.todo import TODOS
from rich.console import Console

from .conftest import Call


def test_stores_list_and_summarises(call: Call, session: Any) -> None:
    assert todos_of(session).items == []
    result = call(
        TodoWrite(),
        todos=[
            {"content": "Write tests", "status": "completed"},
            {"content": "Fix bug", "status": "in_progress", "activeForm": "Fixing bug"},
            {"content": "Update docs", "status": "pending", "id": "3"},
        ],
    )
    assert not result.is_error
    assert result.content == (
        "Task list updated: 3 tasks (1 completed, 1 in progress, 1 pending).\n"
        "[x] Write tests\n[>] Fix bug\n[ ] Update docs"
    )
    stored = session.stash[TODOS]
    assert [item.content for item in stored.items] == ["Write tests", "Fix bug", "Update docs"]
    assert stored.items[2].id == "3"


def test_replaces_the_whole_list(call: Call, session: Any) -> None:
    call(TodoWrite(), todos=[{"content": "a", "status": "pending"}])
    call(TodoWrite(), todos=[])
    assert todos_of(session).items == []


def test_renders_for_the_ui(call: Call, session: Any) -> None:
    call(
        TodoWrite(),
        todos=[
            {"content": "Fix bug", "status": "in_progress", "activeForm": "Fixing bug"},
            {"content": "Ship", "status": "pending"},
        ],
    )
    buf = io.StringIO()
    Console(file=buf, width=60).print(todos_of(session))
    assert buf.getvalue() == "[>] Fixing bug\n[ ] Ship\n"


def test_bad_status_is_named() -> None:
    with pytest.raises(msgspec.ValidationError) as err:
        msgspec.convert({"todos": [{"content": "x", "status": "doing"}]}, TodoWrite.input_type)
    assert "$.todos[0].status" in str(err.value)
    assert "Invalid enum value 'doing'" in str(err.value)
