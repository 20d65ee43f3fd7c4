"""What one session has loaded: instruction files, lazily loaded ones, and the stores.

Built once per session (kept in ``session.stash[MEMORY]``), so every request after
the first reuses the same text: the sections stay byte-identical and the prompt cache holds.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from corral.memory import _format
from corral.memory.entry import MemoryEntry, now
from corral.memory.instructions import InstructionFile, InstructionLoader, LoadReport
from corral.memory.store import MemoryStore
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.config.schema import MemorySettings
    from corral.session import Session

#: The session's :class:`SessionMemory` in ``session.stash``.
MEMORY: StashKey[SessionMemory] = StashKey("memory")


class StoreView(msgspec.Struct, kw_only=True):
    """What a session took from one store."""

    scope: str
    root: str
    index_text: str
    index_cut: bool
    entries: int
    relevant: list[MemoryEntry]


class SessionMemory:
    """The memory of one session. Get it with :func:`session_memory`."""

    def __init__(self, settings: MemorySettings, cwd: Path) -> None:
        from corral import paths

        self.settings = settings
        self.cwd = cwd
        self.project_root = paths.project_root(cwd)
        self.user_dirs = [paths.claude_user_dir(), paths.user_config_dir()]
        self.managed_dir = paths.site_config_dir()
        self.loader = InstructionLoader(
            cwd,
            project_root=self.project_root,
            trusted_dirs=[*self.user_dirs, self.managed_dir],
            max_depth=self.settings.max_import_depth,
            allow_external=self.settings.allow_external_imports,
        )
        report = self.loader.load_startup(self.managed_dir, self.user_dirs)
        self.files: list[InstructionFile] = report.files
        self.nested: list[InstructionFile] = []
        self.warnings: list[str] = list(report.warnings)
        #: Notes about text cut to fit the budget (``path``, characters cut).
        self.cuts: list[tuple[str, int]] = []
        self._budget = self.settings.max_instruction_chars
        self.clipped: dict[str, str] = {}
        self.instructions_text = self._render(self.files, "startup")
        self.nested_text = ""
        self.project_store = MemoryStore.for_project(cwd, warn=self.warnings.append)
        self.user_store = (MemoryStore.for_user(warn=self.warnings.append)
                           if self.settings.user_store else None)
        self.views: list[StoreView] | None = None
        self.store_text: str | None = None
        #: Warnings already shown to the user (the rest are new).
        self.reported = 0

    def new_warnings(self) -> list[str]:
        """Warnings not handed out before (import problems, cuts, quarantined files)."""
        fresh = self.warnings[self.reported:]
        self.reported = len(self.warnings)
        return fresh

    @property
    def all_files(self) -> list[InstructionFile]:
        return [*self.files, *self.nested]

    # -- stores --------------------------------------------------------------------------------

    def stores(self) -> list[MemoryStore]:
        return [s for s in (self.project_store, self.user_store) if s is not None]

    def build_store_text(self, query: str) -> str:
        """The index of each store plus the most relevant entries; fixed once built."""
        if self.store_text is not None:
            return self.store_text
        views = []
        for store in self.stores():
            entries = store.load()
            raw = store.read_index()
            index_text, cut = clip_index(raw, self.settings.index_max_lines,
                                         self.settings.index_max_bytes)
            picked = _relevant(entries, query, self.settings.relevant_entries)
            views.append(StoreView(scope=store.scope, root=str(store.root), index_text=index_text,
                                   index_cut=cut, entries=len(entries), relevant=picked))
        self.views = views
        self.store_text = render_store_section(views, self.settings.stale_after_days)
        return self.store_text

    # -- instruction files ---------------------------------------------------------------------

    def add_files(self, files: list[InstructionFile]) -> None:
        """Add instruction text from plugins after the files loaded at startup."""
        self.files.extend(files)
        self.instructions_text = self._render(self.files, "startup")

    def touch(self, path: Path) -> list[InstructionFile]:
        """Load the instruction files of every not yet visited directory between the cwd
        and ``path``; return the newly loaded files."""
        report = LoadReport()
        for directory in self.loader.dirs_to_visit(path):
            self.loader.load_dir(directory, report)
        self.warnings.extend(report.warnings)
        if report.files:
            self.nested.extend(report.files)
            self.nested_text = self._render(self.nested, "nested")
        return report.files

    def _render(self, files: list[InstructionFile], which: str) -> str:
        cuts_before = len(self.cuts)
        for file in files:
            if file.path not in self.clipped:
                text = file.text.strip()
                large = self.settings.large_instruction_chars
                if large and len(text) > large:
                    self.warnings.append(
                        f"memory: {file.path} is {len(text):,} characters of instructions "
                        f"(more than {large:,}); it is sent whole, on every request (set "
                        "memory.max_instruction_chars to cap instruction text)")
                self.clipped[file.path] = self._spend(file.path, text)
        fresh = self.cuts[cuts_before:]
        if fresh:
            total = sum(n for _, n in fresh)
            self.warnings.append(
                f"memory: the instruction budget (memory.max_instruction_chars = "
                f"{self.settings.max_instruction_chars}) is spent: {total} characters cut from "
                f"{len(fresh)} file(s), starting with {fresh[0][0]}")
        parts = [HEADS[which]]
        for file in files:
            text = self.clipped[file.path]
            if text:
                parts.append(f'<instructions source="{file.path}" {_label(file)}>\n{text}\n'
                             "</instructions>")
        return "\n\n".join(parts) if len(parts) > 1 else ""

    def _spend(self, path: str, text: str) -> str:
        if self.settings.max_instruction_chars <= 0:  # no budget: every file whole
            return text
        if len(text) <= self._budget:
            self._budget -= len(text)
            return text
        keep = max(self._budget, 0)
        cut = len(text) - keep
        self._budget = 0
        self.cuts.append((path, cut))
        return (text[:keep].rstrip() + f"\n[... {cut} characters of {path} were cut to fit the "
                "instruction budget ...]").lstrip("\n")


HEADS = {
    "startup": "Instructions from the user's and the project's instruction files (CLAUDE.md, "
    "AGENTS.md). Follow them; later files add to earlier ones.",
    "nested": "Instructions from files in subdirectories, loaded when a tool first touched a "
    "path there. They apply to work inside those directories.",
}


def session_memory(session: Session) -> SessionMemory:
    """The session's :class:`SessionMemory`, built on first use."""
    memory = session.stash.get(MEMORY)
    if memory is None:
        memory = SessionMemory(session.config.memory, session.cwd)
        connect_hooks(memory, session.hooks, session)
        session.stash[MEMORY] = memory
    return memory


def connect_hooks(memory: SessionMemory, host: Any, session: Session | None) -> None:
    """Let plugins add instruction sources and hear about store changes, through the
    ``corral_memory_sources`` / ``corral_memory_changed`` hooks when the kernel has them."""
    sources = getattr(host, "memory_sources", None)
    if session is not None and callable(sources):
        extra = []
        for plugin, value in sources(session):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, InstructionFile):
                    extra.append(msgspec.structs.replace(item, kind="plugin",
                                                         imported_by=f"plugin:{plugin}"))
        if extra:
            memory.add_files(extra)
    changed = getattr(host, "memory_changed", None)
    if callable(changed):
        for store in memory.stores():
            store.listeners.append(changed)


def _label(file: InstructionFile) -> str:
    if file.kind == "plugin":
        return f'kind="plugin" plugin="{(file.imported_by or "")[7:]}"'
    if file.kind == "import":
        return f'kind="import" imported-by="{file.imported_by}"'
    return f'kind="{file.kind}"'


def _relevant(entries: list[MemoryEntry], query: str, limit: int) -> list[MemoryEntry]:
    from corral.memory.select import relevant

    return relevant(entries, query, limit)


def clip_index(text: str, max_lines: int, max_bytes: int) -> tuple[str, bool]:
    """The first ``max_lines`` lines of ``text`` within ``max_bytes``; and whether it cut."""
    lines = text.splitlines()
    kept: list[str] = []
    size = 0
    for line in lines[:max_lines]:
        size += len(line.encode("utf-8")) + 1
        if size > max_bytes:
            break
        kept.append(line)
    return "\n".join(kept), len(kept) < len(lines)


def render_store_section(views: list[StoreView], stale_days: int) -> str:
    """The system-prompt text of the stores: indexes, then the relevant entries."""
    if not any(v.entries or v.index_text.strip() for v in views):
        return ""
    cutoff = now() - timedelta(days=stale_days) if stale_days > 0 else None
    parts = ["Long-term memory (the Memory tool adds, updates, removes and searches it; "
             "entries marked possibly stale may be out of date: check before relying on them)."]
    for view in views:
        if not (view.entries or view.index_text.strip()):
            continue
        index = view.index_text
        if cutoff is not None:
            index = _format.mark_stale(index, cutoff)
        note = (f"\n[index cut: {view.entries} entries in all; search the memory for the rest]"
                if view.index_cut else "")
        parts.append(f"<memory-index scope=\"{view.scope}\" path=\"{view.root}\">\n{index}"
                     f"{note}\n</memory-index>")
        for entry in view.relevant:
            stale = cutoff is not None and entry.updated < cutoff
            files = f' files="{", ".join(entry.files)}"' if entry.files else ""
            mark = ' possibly-stale="true"' if stale else ""
            parts.append(
                f"<memory-entry id=\"{entry.id}\" scope=\"{view.scope}\" type=\"{entry.type}\" "
                f"updated=\"{entry.updated.date().isoformat()}\"{files}"
                f"{mark}>\n{entry.text}\n</memory-entry>")
    return "\n\n".join(parts)
