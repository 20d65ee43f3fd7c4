"""Renderables and JSON for ``/memory`` and ``corral memory show``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from corral.memory.session_memory import SessionMemory


def report_data(memory: SessionMemory) -> dict[str, Any]:
    """Every loaded file and store with sizes, the warnings and what was cut (for --json)."""
    cut = dict(memory.cuts)
    files = [
        {"path": f.path, "kind": f.kind, "size": f.size, "injected": len(memory.clipped.get(
            f.path, "")), "cut": cut.get(f.path, 0), "imported_by": f.imported_by,
         "depth": f.depth}
        for f in memory.all_files
    ]
    stores = []
    for store in memory.stores():
        entries = store.load()
        stores.append({
            "scope": store.scope, "root": str(store.root), "entries": len(entries),
            "index_size": len(store.read_index().encode("utf-8")),
            "topics": sorted({e.topic for e in entries}),
        })
    return {"files": files, "stores": stores, "warnings": list(memory.warnings),
            "instructions_chars": len(memory.instructions_text),
            "budget_chars": memory.settings.max_instruction_chars}


class MemoryReport:
    """The table ``/memory`` shows: each file and store, its size, and any problems."""

    def __init__(self, memory: SessionMemory) -> None:
        self.memory = memory

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table
        from rich.text import Text

        data = report_data(self.memory)
        table = Table(title="Instruction files", show_edge=False, pad_edge=False)
        table.add_column("kind")
        table.add_column("path", overflow="fold")
        table.add_column("chars", justify="right")
        table.add_column("note")
        for f in data["files"]:
            note = f"imported by {f['imported_by']}" if f["imported_by"] else ""
            if f["cut"]:
                note = (note + "; " if note else "") + f"{f['cut']} chars cut (budget)"
            table.add_row(f["kind"], f["path"], str(f["size"]), note)
        if not data["files"]:
            table.add_row("-", "no CLAUDE.md or AGENTS.md found", "", "")
        yield table
        yield Text(f"{data['instructions_chars']} of {data['budget_chars']} characters of "
                   "instructions injected at startup")
        stores = Table(title="Memory stores", show_edge=False, pad_edge=False)
        stores.add_column("scope")
        stores.add_column("folder", overflow="fold")
        stores.add_column("entries", justify="right")
        stores.add_column("MEMORY.md bytes", justify="right")
        for s in data["stores"]:
            stores.add_row(s["scope"], s["root"], str(s["entries"]), str(s["index_size"]))
        yield stores
        for warning in data["warnings"]:
            yield Text(f"warning: {warning}", style="yellow")
