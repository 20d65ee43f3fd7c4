"""TodoWrite: the session's task list, replaced as a whole on each call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from corral.stash import StashKey
from corral.tools.base import Tool, ToolResult

if TYPE_CHECKING:
    from rich.text import Text

    from corral.session import Session

#: The session's task list (a :class:`TodoList`) in ``session.stash``.
TODOS: StashKey[TodoList] = StashKey("todos")

Status = Literal["pending", "in_progress", "completed"]

_MARKS: dict[str, tuple[str, str]] = {
    "completed": ("[x]", "green"),
    "in_progress": ("[>]", "bold yellow"),
    "pending": ("[ ]", ""),
}


class TodoItem(msgspec.Struct, kw_only=True):
    content: Annotated[str, msgspec.Meta(min_length=1, description="The task, imperative.")]
    status: Annotated[Status, msgspec.Meta(description="pending, in_progress or completed.")]
    activeForm: (  # noqa: N815 - the field name models already use
        Annotated[str, msgspec.Meta(description="The task as an -ing phrase, for the UI.")] | None
    ) = None
    id: Annotated[str, msgspec.Meta(description="Optional stable id of the task.")] | None = None


class TodoWriteInput(msgspec.Struct, kw_only=True):
    todos: Annotated[
        list[TodoItem], msgspec.Meta(description="The whole updated task list, in order.")
    ]


class TodoList:
    """The current task list; a rich renderable for the UI."""

    def __init__(self, items: list[TodoItem]) -> None:
        self.items = items

    def counts(self) -> dict[str, int]:
        counts = {"pending": 0, "in_progress": 0, "completed": 0}
        for item in self.items:
            counts[item.status] += 1
        return counts

    def lines(self) -> list[str]:
        return [f"{_MARKS[item.status][0]} {item.content}" for item in self.items]

    def __rich__(self) -> Text:
        from rich.text import Text  # only a UI renders this: headless runs never import rich

        text = Text()
        for i, item in enumerate(self.items):
            mark, style = _MARKS[item.status]
            label = item.activeForm if item.status == "in_progress" and item.activeForm else None
            text.append(f"{mark} {label or item.content}", style=style)
            if i < len(self.items) - 1:
                text.append("\n")
        return text


def todos_of(session: Session) -> TodoList:
    """The session's task list (empty if TodoWrite has not been called)."""
    return session.stash.get(TODOS) or TodoList([])


class TodoWrite(Tool):
    name = "TodoWrite"
    description = (
        "Keep a task list for the current work, shown to the user. Send the whole list "
        "each time; it replaces the previous one. Use it for work of three or more steps: "
        "mark a task in_progress when you start it (one at a time) and completed as soon "
        "as it is done, and add tasks you discover on the way."
    )
    input_type = TodoWriteInput
    read_only = True

    async def run(self, session: Session, params: TodoWriteInput) -> ToolResult:
        todos = TodoList(list(params.todos))
        session.stash[TODOS] = todos
        c = todos.counts()
        summary = (
            f"Task list updated: {len(todos.items)} tasks ({c['completed']} completed, "
            f"{c['in_progress']} in progress, {c['pending']} pending)."
        )
        body = "\n".join(todos.lines())
        return ToolResult(
            content=f"{summary}\n{body}" if body else summary,
            meta={"counts": c},
        )
