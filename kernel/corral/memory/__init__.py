"""The memory layer: instruction files (CLAUDE.md, AGENTS.md) and the memory store.

The stable API for plugins (dream, kairos, your own); see docs/memory.md::

    from corral.memory import MemoryStore, MemoryEntry

    store = MemoryStore.for_project(cwd)       # or MemoryStore.for_user()
    entries = store.load()                      # every entry; corrupt files moved aside
    store.add("Tests run with tox -e py311", type="project", tags=["tests"])
    with store.transaction(source="dream") as tx:   # locked, re-read, written atomically
        tx.update(entry_id, text="...")
        tx.remove(other_id)
    with store.lock():                          # hold it to write other files in the folder
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corral._lazy import lazy_getattr

#: Each public name and the module it comes from (loaded on first use).
_HOMES: dict[str, str] = {
    "MEMORY_TYPES": "corral.memory.entry",
    "MemoryEntry": "corral.memory.entry",
    "MemoryType": "corral.memory.entry",
    "Scope": "corral.memory.entry",
    "new_id": "corral.memory.entry",
    "now": "corral.memory.entry",
    "CorruptFile": "corral.memory.errors",
    "InvalidEntry": "corral.memory.errors",
    "MemoryStoreError": "corral.memory.errors",
    "UnknownEntry": "corral.memory.errors",
    "InstructionFile": "corral.memory.instructions",
    "relevant": "corral.memory.select",
    "score_all": "corral.memory.select",
    "search": "corral.memory.select",
    "MemoryChange": "corral.memory.store",
    "MemoryStore": "corral.memory.store",
    "Transaction": "corral.memory.store",
}

if TYPE_CHECKING:
    from corral.memory.entry import MEMORY_TYPES, MemoryEntry, MemoryType, Scope, new_id, now
    from corral.memory.errors import CorruptFile, InvalidEntry, MemoryStoreError, UnknownEntry
    from corral.memory.instructions import InstructionFile
    from corral.memory.select import relevant, score_all, search
    from corral.memory.store import MemoryChange, MemoryStore, Transaction
else:
    __getattr__ = lazy_getattr(__name__, _HOMES)

__all__ = [
    "MEMORY_TYPES",
    "CorruptFile",
    "InstructionFile",
    "InvalidEntry",
    "MemoryChange",
    "MemoryEntry",
    "MemoryStore",
    "MemoryStoreError",
    "MemoryType",
    "Scope",
    "Transaction",
    "UnknownEntry",
    "new_id",
    "now",
    "relevant",
    "score_all",
    "search",
]
