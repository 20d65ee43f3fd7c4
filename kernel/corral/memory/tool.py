"""The ``Memory`` tool: the model adds, updates, removes and searches long-term memory."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import msgspec

from corral.memory.entry import MemoryType, Scope, valid_topic
from corral.memory.errors import MemoryStoreError
from corral.tools.base import Tool, ToolResult

if TYPE_CHECKING:
    from corral.memory.store import MemoryStore
    from corral.session import Session

TOOL_NAME = "Memory"
WRITES = ("add", "update", "remove")


class MemoryInput(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    #: add | update | remove | search
    command: Literal["add", "update", "remove", "search"]
    #: The fact to remember (add), or its new wording (update).
    text: str | None = None
    #: The entry to update or remove (ids are shown in the memory index).
    id: str | None = None
    #: Words to look for (search).
    query: str | None = None
    #: user (who the user is), feedback (a correction or a confirmed approach), project
    #: (decisions and facts about this code), reference (where something lives).
    type: MemoryType | None = None
    tags: list[str] | None = None
    #: 1 (minor) to 5 (essential); 3 when left out.
    importance: int | None = None
    #: Project-relative paths the entry is about.
    files: list[str] | None = None
    #: Topic file to keep the entry in (lower-case, e.g. "testing"); defaults to the type.
    topic: str | None = None
    #: project (this repository, the default) or user (every project of this user).
    scope: Scope = "project"


class MemoryTool(Tool):
    name: ClassVar[str] = TOOL_NAME
    description: ClassVar[str] = (
        "Keep facts that should outlive this conversation: the user's preferences and "
        "corrections, decisions about this project, where things live. command=add needs text "
        "(one fact per entry, self-contained) and a type; update and remove need the id shown "
        "in the memory index; search takes a query and returns matching entries with their "
        "ids. Do not store secrets or things the code or git history already say. "
        "scope=user stores it for every project of this user."
    )
    input_type: ClassVar[type[msgspec.Struct]] = MemoryInput

    def is_read_only(self, params: dict[str, Any]) -> bool:
        """A search changes nothing, so plan mode allows it; writes do not pass there."""
        return params.get("command") == "search"

    async def run(self, session: Session, params: Any) -> ToolResult:
        assert isinstance(params, MemoryInput)
        try:
            return _run(session, params)
        except MemoryStoreError as exc:
            return ToolResult(content=str(exc), is_error=True)


def _run(session: Session, p: MemoryInput) -> ToolResult:
    store = store_for(session, p.scope)
    if p.command == "search":
        return _search(session, p)
    if p.command == "add":
        if not p.text:
            return ToolResult(content="add needs text: the fact to remember", is_error=True)
        entry = store.add(
            p.text, type=p.type or "project", tags=p.tags or (), importance=p.importance or 3,
            source=session.id, files=p.files or (), topic=p.topic,
        )
        return ToolResult(content=f"Remembered as {entry.id} ({p.scope} memory, "
                          f"topics/{entry.topic}.md).", meta={"memory_id": entry.id})
    if not p.id:
        return ToolResult(content=f"{p.command} needs the id of the entry", is_error=True)
    if p.command == "remove":
        entry = store.remove(p.id, source=session.id)
        return ToolResult(content=f"Removed {entry.id}: {entry.text[:80]}")
    changes: dict[str, Any] = {}
    for key in ("text", "type", "tags", "importance", "files", "topic"):
        value = getattr(p, key)
        if value is not None:
            changes[key] = value
    if not changes:
        return ToolResult(content="update needs at least one field to change", is_error=True)
    entry = store.update(p.id, source=session.id, **changes)
    return ToolResult(content=f"Updated {entry.id}.")


def _search(session: Session, p: MemoryInput) -> ToolResult:
    from corral.memory.select import search
    from corral.memory.session_memory import session_memory

    query = p.query or p.text or ""
    if not query.strip():
        return ToolResult(content="search needs a query", is_error=True)
    lines = []
    for store in session_memory(session).stores():
        for _score, entry in search(store.load(), query, limit=20):
            tags = f" #{' #'.join(entry.tags)}" if entry.tags else ""
            lines.append(f"{entry.id} [{store.scope}/{entry.type}] "
                         f"(updated {entry.updated.date().isoformat()}){tags}: {entry.text}")
    return ToolResult(content="\n".join(lines) if lines else f"No memory matches {query!r}.")


def store_for(session: Session, scope: Scope) -> MemoryStore:
    from corral.memory.session_memory import session_memory

    memory = session_memory(session)
    if scope == "user":
        if memory.user_store is None:
            raise MemoryStoreError("the user memory store is off (memory.user_store = false)")
        return memory.user_store
    return memory.project_store


def write_problem(session: Session, call_input: dict[str, Any]) -> str | None:
    """Why a Memory call would write outside the memory folders, or ``None`` when its
    writes stay inside. The permission chain's hook tier denies on a problem."""
    from corral import paths

    if call_input.get("command") not in WRITES:
        return None
    scope = call_input.get("scope", "project")
    if scope == "user":
        expected = paths.user_data_dir() / "memory"
    elif scope == "project":
        expected = paths.project_root(session.cwd) / ".claude" / "memory"
    else:
        return f"unknown memory scope {scope!r}"
    topic = call_input.get("topic")
    kind = call_input.get("type") or "project"
    if topic is not None and (not isinstance(topic, str) or not valid_topic(topic)):
        return f"topic {topic!r} is not a plain lower-case name; it could name a path"
    real_root = os.path.realpath(expected)
    if real_root != os.path.join(os.path.realpath(expected.parent), expected.name):
        return f"{expected} is a link to {real_root}, outside the memory folders"
    targets = [expected / "MEMORY.md", expected / ".lock"]
    if isinstance(topic, str) or isinstance(kind, str):
        targets.append(expected / "topics" / f"{topic or kind}.md")
    for target in targets:
        real = os.path.realpath(target)
        if not real.startswith(real_root + os.sep):
            return f"{target} resolves to {real}, outside the memory folder {expected}"
    return None

