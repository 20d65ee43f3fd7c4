"""When an automatic dream may start: gates checked cheapest first, and the state they use.

1. ``min_hours`` since the last dream (one small file read);
2. ``min_sessions`` transcripts written since then (one directory listing);
3. ``check_interval_minutes`` since the last check that got this far (recorded here);
4. the dream lock is free.
"""

from __future__ import annotations

import time
from pathlib import Path

import msgspec
from corral.api import MemoryStore

from corral_dream.lock import DreamLock
from corral_dream.settings import Settings

STATE_NAME = "dream-state.json"


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


def read_state(store: MemoryStore) -> DreamState:
    try:
        return msgspec.json.decode((store.root / STATE_NAME).read_bytes(), type=DreamState)
    except (OSError, msgspec.DecodeError):
        return DreamState()


def write_state(store: MemoryStore, state: DreamState) -> None:
    from corral.api import write_file

    with store.lock():
        write_file(store.root / STATE_NAME, msgspec.json.encode(state).decode() + "\n")


def sessions_since(cwd: Path, since: float | None) -> int:
    from corral.api import project_dir

    folder = project_dir(cwd)
    try:
        return sum(1 for p in folder.glob("*.jsonl")
                   if since is None or p.stat().st_mtime > since)
    except OSError:
        return 0


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
    if not DreamLock(store.root).is_free():
        return GateResult(passed=False, gate="lock", reason="another dream is running")
    return GateResult(passed=True, reason=f"{count} sessions since the last dream")
