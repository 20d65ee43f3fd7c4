"""Per-file leases, so two workers sharing a folder never edit the same file at once.

A worker takes the lease of a file on its first edit of it and keeps it until its run ends
(the gate included), so its changes to the file stay coherent. Another worker that wants to
edit the file waits for the lease, up to ``lock_wait_s``; a wait that would close a cycle (A
waits for B while B waits for A) fails at once. Each failure is a *conflict*: the tool call
returns an error naming the holder, and the conflict is reported to the coordinator.

Only tools that take a ``file_path`` (or ``notebook_path``) and are not read-only are
wrapped; shell commands are not covered (say so to the workers when that matters).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import msgspec
from corral.api import Tool, ToolResult

if TYPE_CHECKING:
    from corral.api import Session

PATH_FIELDS = ("file_path", "notebook_path")


class Conflict(msgspec.Struct, frozen=True, kw_only=True):
    """A worker could not get a file another worker was editing."""

    path: str
    worker: str
    holder: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}: worker {self.worker} could not edit it ({self.why}; held by " \
               f"{self.holder})"


class FileLeases:
    """Which worker holds which file, and who waits for what (one per coordinator)."""

    def __init__(self) -> None:
        self.holders: dict[str, str] = {}
        self.waiting: dict[str, str] = {}
        self.conflicts: list[Conflict] = []
        #: Times a worker waited for a file and then got it (serialized, not a conflict).
        self.serialized = 0
        self._changed = asyncio.Condition()

    def held_by(self, worker: str) -> list[str]:
        return sorted(p for p, w in self.holders.items() if w == worker)

    async def acquire(self, worker: str, path: str, wait_s: float) -> Conflict | None:
        """Take the lease of ``path`` for ``worker``, waiting for its holder; ``None`` when
        taken, else the conflict (also recorded in :attr:`conflicts`)."""
        async with self._changed:
            holder = self.holders.get(path)
            if holder is None or holder == worker:
                self.holders[path] = worker
                return None
            if self._cycle(worker, holder):
                return self._conflict(path, worker, holder, "waiting would deadlock: "
                                      f"{holder} waits for a file {worker} holds")
            self.waiting[worker] = path
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self.holders.get(path) in (None, worker)),
                    wait_s,
                )
            except TimeoutError:
                return self._conflict(path, worker, self.holders.get(path, holder),
                                      f"still being edited after {wait_s:g} s")
            finally:
                self.waiting.pop(worker, None)
            self.holders[path] = worker
            self.serialized += 1
            return None

    async def release_all(self, worker: str) -> None:
        async with self._changed:
            for path in self.held_by(worker):
                del self.holders[path]
            self._changed.notify_all()

    def _cycle(self, worker: str, holder: str) -> bool:
        seen: set[str] = set()
        current: str | None = holder
        while current is not None and current not in seen:
            if current == worker:
                return True
            seen.add(current)
            wanted = self.waiting.get(current)
            current = self.holders.get(wanted) if wanted is not None else None
        return False

    def _conflict(self, path: str, worker: str, holder: str, why: str) -> Conflict:
        conflict = Conflict(path=path, worker=worker, holder=holder, why=why)
        self.conflicts.append(conflict)
        return conflict


class _Leased(Tool):
    """A file-editing tool that takes the file's lease before it runs."""

    inner: Tool
    leases: FileLeases
    worker: str
    wait_s: float

    def is_read_only(self, params: dict[str, Any]) -> bool:
        return self.inner.is_read_only(params)

    async def run(self, session: Session, params: Any) -> ToolResult:
        raw = next((getattr(params, f, None) for f in PATH_FIELDS if hasattr(params, f)), None)
        if isinstance(raw, str) and raw:
            from pathlib import Path

            path = Path(raw).expanduser()
            key = str((path if path.is_absolute() else session.cwd / path).resolve())
            conflict = await self.leases.acquire(self.worker, key, self.wait_s)
            if conflict is not None:
                return ToolResult(
                    content=f"Cannot edit {raw}: worker {conflict.holder} is editing it "
                    f"({conflict.why}). Leave this file alone, finish the rest of your task, "
                    "and say in your answer that this change is still to do.",
                    is_error=True, meta={"conflict": msgspec.to_builtins(conflict)},
                )
        return await self.inner.run(session, params)


def edits_files(tool: Tool) -> bool:
    if tool.read_only:
        return False
    fields = {f.name for f in msgspec.structs.fields(tool.input_type)}
    return any(f in fields for f in PATH_FIELDS)


def leased(tool: Tool, leases: FileLeases, worker: str, wait_s: float) -> Tool:
    """``tool`` wrapped so each call takes its file's lease first (same name and schema)."""
    attrs = {"name": tool.name, "description": tool.description, "input_type": tool.input_type,
             "concurrency_safe": tool.concurrency_safe, "read_only": tool.read_only,
             "aliases": tool.aliases}
    cls = type(f"Leased{type(tool).__name__}", (_Leased,), attrs)
    wrapped = cls()
    wrapped.inner, wrapped.leases, wrapped.worker, wrapped.wait_s = tool, leases, worker, wait_s
    return wrapped


def with_leases(tools: dict[str, Tool], leases: FileLeases, worker: str,
                wait_s: float) -> dict[str, Tool]:
    return {n: leased(t, leases, worker, wait_s) if edits_files(t) else t
            for n, t in tools.items()}
