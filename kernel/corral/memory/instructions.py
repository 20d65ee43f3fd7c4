"""The instruction files (CLAUDE.md, AGENTS.md, CLAUDE.local.md) and their ``@imports``.

Order, each adding to the ones before: managed (site config dir), user (``~/.claude`` and
corral's user config dir), every directory from the filesystem root down to the working
directory (``CLAUDE.md``, ``.claude/CLAUDE.md``, ``AGENTS.md``), then ``CLAUDE.local.md`` of
those directories. Directories below the working directory load later, one at a time, when a
tool first touches a path inside them (:meth:`InstructionLoader.load_dir`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import msgspec

from corral.memory._imports import find_imports

Kind = Literal["managed", "user", "project", "local", "nested", "import", "plugin"]

#: Instruction files looked for in each directory, in order.
SHARED_NAMES = ("CLAUDE.md", ".claude/CLAUDE.md", "AGENTS.md")
LOCAL_NAME = "CLAUDE.local.md"

_read_cache: dict[str, tuple[tuple[int, int], str]] = {}


class InstructionFile(msgspec.Struct, frozen=True, kw_only=True):
    """One loaded file: where it is, why it loaded, and its text."""

    path: str
    kind: Kind
    text: str
    #: The file whose ``@import`` pulled this one in.
    imported_by: str | None = None
    depth: int = 0

    @property
    def size(self) -> int:
        return len(self.text)


class LoadReport(msgspec.Struct, kw_only=True):
    files: list[InstructionFile] = msgspec.field(default_factory=list)
    warnings: list[str] = msgspec.field(default_factory=list)


def read_text(path: Path) -> str | None:
    """The text of ``path`` (cached by mtime and size), or ``None`` when it is not a file."""
    key = str(path)
    try:
        st = os.stat(key)
    except OSError:
        return None
    if not _is_regular(st.st_mode):
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _read_cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        with open(key, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    _read_cache[key] = (stamp, text)
    return text


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


class InstructionLoader:
    """Loads files with their imports; remembers what it loaded so nothing loads twice."""

    def __init__(
        self,
        cwd: Path,
        *,
        project_root: Path,
        trusted_dirs: Iterable[Path],
        max_depth: int = 4,
        allow_external: bool = False,
    ) -> None:
        self.cwd = cwd
        self.project_root = project_root
        self.trusted = [os.path.realpath(p) for p in (project_root, *trusted_dirs)]
        self.max_depth = max_depth
        self.allow_external = allow_external
        self.loaded: set[str] = set()
        self.visited_dirs: set[str] = set()

    def load_startup(self, managed_dir: Path, user_dirs: Iterable[Path]) -> LoadReport:
        """Everything that loads when a session starts, in order."""
        report = LoadReport()
        self._load(managed_dir / "CLAUDE.md", "managed", report)
        for directory in user_dirs:
            self._load(directory / "CLAUDE.md", "user", report)
        chain = [*reversed(self.cwd.parents), self.cwd]
        for directory in chain:
            self.visited_dirs.add(str(directory))
            for name in SHARED_NAMES:
                self._load(directory / name, "project", report)
        for directory in chain:
            self._load(directory / LOCAL_NAME, "local", report)
        return report

    def dirs_to_visit(self, touched: Path) -> list[Path]:
        """Directories strictly below the cwd, down to ``touched``, not visited yet."""
        try:
            relative = touched.relative_to(self.cwd)
        except ValueError:
            return []
        parts = relative.parts
        if parts and not _looks_like_dir(touched):
            parts = parts[:-1]
        out: list[Path] = []
        current = self.cwd
        for part in parts:
            current = current / part
            if str(current) not in self.visited_dirs:
                out.append(current)
        return out

    def load_dir(self, directory: Path, report: LoadReport) -> None:
        """The instruction files of one directory below the cwd (lazy loading)."""
        self.visited_dirs.add(str(directory))
        for name in (*SHARED_NAMES, LOCAL_NAME):
            self._load(directory / name, "nested", report)

    # -- one file and its imports -------------------------------------------------------------

    def _load(self, path: Path, kind: Kind, report: LoadReport) -> None:
        real = os.path.realpath(path)
        if real in self.loaded:
            return
        text = read_text(Path(real))
        if text is None:
            return
        self.loaded.add(real)
        report.files.append(InstructionFile(path=str(path), kind=kind, text=text))
        self._imports(Path(real), str(path), text, [str(path)], report)

    def _imports(self, real: Path, shown: str, text: str, chain: list[str],
                 report: LoadReport) -> None:
        for line, target in find_imports(text):
            where = f"{shown}:{line}"
            path = self._target(real.parent, target)
            resolved = os.path.realpath(path)
            if not os.path.exists(resolved):
                report.warnings.append(f"{where}: @{target} not found ({path}); import skipped")
                continue
            names = [os.path.realpath(c) for c in chain]
            if resolved in names:
                cycle = " -> ".join([*chain[names.index(resolved):], str(path)])
                report.warnings.append(f"{where}: @{target} makes an import cycle: {cycle}; "
                                       "skipped")
                continue
            if resolved in self.loaded:
                continue  # already loaded through another file
            if len(chain) > self.max_depth:
                report.warnings.append(
                    f"{where}: @{target} is more than {self.max_depth} imports deep "
                    f"({' -> '.join([*chain, str(path)])}); skipped (memory.max_import_depth)")
                continue
            if not self.allow_external and not self._trusted(resolved):
                report.warnings.append(
                    f"{where}: @{target} ({resolved}) is outside the project and the user's "
                    "config; skipped (set memory.allow_external_imports = true to allow it)")
                continue
            imported = read_text(Path(resolved))
            if imported is None:
                report.warnings.append(f"{where}: @{target} is not a readable file; skipped")
                continue
            self.loaded.add(resolved)
            report.files.append(InstructionFile(
                path=str(path), kind="import", text=imported, imported_by=shown,
                depth=len(chain),
            ))
            self._imports(Path(resolved), str(path), imported, [*chain, str(path)], report)

    def _target(self, base: Path, target: str) -> Path:
        if target.startswith("~"):
            return Path(os.path.expanduser(target))
        return Path(os.path.normpath(base / target))

    def _trusted(self, resolved: str) -> bool:
        return any(resolved == d or resolved.startswith(d.rstrip(os.sep) + os.sep)
                   for d in self.trusted)


def _looks_like_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
