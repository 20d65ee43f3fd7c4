"""When an automatic dream may start: gates checked cheapest first, and the state they use.

1. ``min_hours`` since the last dream (one small file read);
2. ``min_sessions`` sessions since then that completed a turn (a directory listing, then
   each newer transcript read until its first model answer);
3. ``check_interval_minutes`` since the last check that got this far (recorded here);
4. the dream lock is free.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import msgspec
from corral.api import MemoryStore

from corral_dream.lock import DreamLock
from corral_dream.settings import Settings

STATE_NAME = "dream-state.json"
#: How a transcript shows a model answer (a completed turn), as encoded in the JSONL.
_ANSWERED = b'"type":"assistant_message"'


class DreamState(msgspec.Struct, kw_only=True):
    last_dream_at: float | None = None
    last_check_at: float | None = None
    #: When the code re-check last found each entry still true (entry id -> time).
    checked: dict[str, float] = msgspec.field(default_factory=dict)


class GateResult(msgspec.Struct, frozen=True, kw_only=True):
    passed: bool
    #: The gate that blocked: ``auto``, ``hours``, ``sessions``, ``interval`` or ``lock``.
    gate: str | None = None
    reason: str = ""


def state_dir(store: MemoryStore) -> Path:
    """Where the dream keeps its lock and state for ``store``: corral's state directory,
    one folder per memory folder, so checking the gates never creates ``.claude/memory``."""
    from corral.api import project_key, user_state_dir

    return user_state_dir() / "dream" / project_key(store.root)


def read_state(store: MemoryStore) -> DreamState:
    """The state, from the state directory or, left by earlier versions, the memory folder."""
    for folder in (state_dir(store), store.root):
        try:
            return msgspec.json.decode((folder / STATE_NAME).read_bytes(), type=DreamState)
        except FileNotFoundError:
            continue
        except (OSError, msgspec.DecodeError):
            return DreamState()
    return DreamState()


def write_state(store: MemoryStore, state: DreamState) -> None:
    """Write the state into the state directory; an old copy in the memory folder (and an
    old, unheld lock file there) is removed."""
    from corral.api import write_atomic

    folder = state_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / STATE_NAME, msgspec.json.encode(state).decode() + "\n")
    old = store.root / STATE_NAME
    if old.exists():
        with contextlib.suppress(OSError):
            old.unlink()
    old_lock = DreamLock(store.root)
    if old_lock.path.exists() and old_lock.is_free():
        with contextlib.suppress(OSError):
            old_lock.path.unlink()


def answered(path: Path) -> bool:
    """Whether the session of transcript ``path`` completed at least one turn."""
    try:
        with path.open("rb") as fh:
            return any(_ANSWERED in line for line in fh)
    except OSError:
        return False


def sessions_since(cwd: Path, since: float | None) -> int:
    """Sessions of ``cwd`` since ``since`` that completed at least one turn: runs that never
    reached a model (no credentials, errors) do not count."""
    from corral.api import project_dir

    folder = project_dir(cwd)
    try:
        newer = [p for p in folder.glob("*.jsonl") if since is None or p.stat().st_mtime > since]
    except OSError:
        return 0
    return sum(1 for p in newer if answered(p))


def check_gates(store: MemoryStore, cwd: Path, settings: Settings,
                now: float | None = None) -> GateResult:
    """Whether an automatic dream should start now; the first blocking gate says why not."""
    now = time.time() if now is None else now
    if not settings.auto:
        return GateResult(passed=False, gate="auto", reason="automatic dreams are off")
    state = read_state(store)
    if state.last_dream_at is not None:
        hours = (now - state.last_dream_at) / 3600
        if hours < settings.min_hours:
            return GateResult(passed=False, gate="hours",
                              reason=f"last dream {hours:.1f} h ago (< {settings.min_hours} h)")
    count = sessions_since(cwd, state.last_dream_at)
    if count < settings.min_sessions:
        return GateResult(passed=False, gate="sessions",
                          reason=f"{count} sessions since the last dream "
                                 f"(< {settings.min_sessions})")
    if state.last_check_at is not None:
        minutes = (now - state.last_check_at) / 60
        if minutes < settings.check_interval_minutes:
            return GateResult(passed=False, gate="interval",
                              reason=f"gates checked {minutes:.1f} min ago "
                                     f"(< {settings.check_interval_minutes} min)")
    state.last_check_at = now
    write_state(store, state)
    if not DreamLock(state_dir(store)).is_free():
        return GateResult(passed=False, gate="lock", reason="another dream is running")
    return GateResult(passed=True, reason=f"{count} sessions since the last dream")
