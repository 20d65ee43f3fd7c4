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

from corral.memory.entry import MEMORY_TYPES, MemoryEntry, MemoryType, Scope, new_id, now
from corral.memory.errors import CorruptFile, InvalidEntry, MemoryStoreError, UnknownEntry
from corral.memory.instructions import InstructionFile
from corral.memory.select import relevant, score_all, search
from corral.memory.store import MemoryChange, MemoryStore, Transaction

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
