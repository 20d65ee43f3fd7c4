"""What changed in the project: files (watchfiles, honouring .gitignore) and git state."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from pathlib import Path

import msgspec
from corral.api import is_atomic_temp

#: Milliseconds watchfiles waits for more changes before it reports a batch.
DEBOUNCE_MS = 50
#: Seconds an own write stays ignored when its change has not been seen yet.
OWN_WRITE_GRACE_S = 5.0


class FileWatcher:
    """Collects changed paths under ``root`` in the background until :meth:`take` is called.

    Paths git ignores (``git check-ignore``: every .gitignore, info/exclude and the global
    excludes file) are dropped, as are the usual caches, the ``.git`` folder itself and
    everything under the ``ignore`` folders (the memory folder, where kairos writes its own
    daily log).
    """

    def __init__(self, root: Path, *, ignore: Iterable[Path] = ()) -> None:
        self.root = root.resolve()
        self.ignored = relative_prefixes(self.root, ignore)
        self.changed: dict[str, str] = {}
        self.changed_event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self._ready = asyncio.Event()
        #: Paths the agent wrote, and when (monotonic): not news for a tick.
        self._own: dict[str, float] = {}

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="kairos-watch")
            # give the watcher thread a moment to register before changes count
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), 0.5)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    def ignore_own_write(self, path: str) -> None:
        """A path the agent itself wrote (or is about to): not news for a tick.

        Kept until its change has been seen, or ``OWN_WRITE_GRACE_S`` after the last call:
        the file system reports a write a little after it happened, maybe after the next
        tick's look (a write that waited for a permission answer is a late one)."""
        try:
            relative = str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return
        self._own[relative] = time.monotonic()

    def pending(self) -> bool:
        return bool(self.changed)

    def take(self) -> dict[str, str]:
        out = {k: v for k, v in self.changed.items() if k not in self._own}
        now = time.monotonic()
        self._own = {path: at for path, at in self._own.items()
                     if path not in self.changed and now - at < OWN_WRITE_GRACE_S}
        self.changed = {}
        self.changed_event.clear()
        return out

    async def _run(self) -> None:
        import watchfiles

        self._ready.set()
        async for batch in watchfiles.awatch(
            self.root, debounce=DEBOUNCE_MS, step=DEBOUNCE_MS, stop_event=self._stop,
            rust_timeout=1000, yield_on_timeout=False,
        ):
            rel: dict[str, str] = {}
            for change, raw in batch:
                try:
                    name = Path(raw).relative_to(self.root).as_posix()
                except ValueError:
                    continue
                # the atomic writer's temp file is renamed over its target: only that counts
                if not under(name, self.ignored) and not is_atomic_temp(Path(name).name):
                    rel[name] = change.name
            kept = await _not_ignored(self.root, sorted(rel))
            for name in kept:
                self.changed[name] = rel[name]
            if kept:
                self.changed_event.set()


def relative_prefixes(root: Path, folders: Iterable[Path]) -> tuple[str, ...]:
    """``folders`` inside ``root`` as posix paths relative to it (others are left out)."""
    out = []
    for folder in folders:
        with contextlib.suppress(ValueError):
            out.append(folder.resolve().relative_to(root.resolve()).as_posix())
    return tuple(p for p in out if p != ".")


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the relative posix path ``name`` is one of ``prefixes`` or inside one."""
    return any(name == p or name.startswith(p + "/") for p in prefixes)


def without(state: GitState | None, prefixes: tuple[str, ...]) -> GitState | None:
    """``state`` with the status lines of paths under ``prefixes`` left out."""
    if state is None or not prefixes:
        return state
    kept = tuple(line for line in state.status
                 if not under(line[3:].split(" -> ")[-1].strip('"'), prefixes))
    return msgspec.structs.replace(state, status=kept)


async def _not_ignored(root: Path, names: list[str]) -> list[str]:
    if not names:
        return []
    try:
        proc = await asyncio.create_subprocess_exec(
            "git", "check-ignore", "--stdin", "-z", cwd=root,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return names
    out, _ = await proc.communicate("\0".join(names).encode() + b"\0")
    if proc.returncode not in (0, 1):  # 128: not a git repository
        return names
    ignored = {p for p in out.decode(errors="replace").split("\0") if p}
    return [n for n in names if n not in ignored]


class GitState(msgspec.Struct, frozen=True, kw_only=True):
    branch: str
    head: str
    status: tuple[str, ...]


async def git_state(root: Path) -> GitState | None:
    """Branch, HEAD and ``git status --porcelain`` of ``root``, or ``None`` outside git."""
    heads = await _git(root, "rev-parse", "HEAD", "--abbrev-ref", "HEAD")
    if heads is None:
        return None
    lines = heads.splitlines()
    if len(lines) != 2:
        return None
    status = await _git(root, "status", "--porcelain=v1", "--untracked-files=normal")
    return GitState(branch=lines[1], head=lines[0],
                    status=tuple(sorted((status or "").splitlines())))


async def _git(root: Path, *args: str) -> str | None:
    try:
        proc = await asyncio.create_subprocess_exec(
            "git", *args, cwd=root, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    out, _ = await proc.communicate()
    return out.decode(errors="replace") if proc.returncode == 0 else None


def describe_git(old: GitState | None, new: GitState | None) -> list[str]:
    """Lines saying how the git state moved from ``old`` to ``new`` (empty: no change)."""
    if new is None or old is None or old == new:
        return []
    lines = []
    if old.branch != new.branch:
        lines.append(f"branch {old.branch} -> {new.branch}")
    if old.head != new.head:
        lines.append(f"HEAD {old.head[:10]} -> {new.head[:10]}")
    if old.status != new.status:
        shown = ", ".join(new.status[:10]) or "clean"
        more = f" (+{len(new.status) - 10} more)" if len(new.status) > 10 else ""
        lines.append(f"status now: {shown}{more}")
    return lines
