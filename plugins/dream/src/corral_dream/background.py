"""Automatic dreams: the gates at session end, then a detached process that dreams.

The session's process only reads a small state file and lists the transcripts folder; the
dream itself runs in ``python -m corral_dream.background --cwd DIR``, a new process in its
own session, so the user's next prompt (or the shell) never waits for it. An idle session
(``corral_idle``: the kairos daemon's loop, a REPL left open) checks the same gates, at most
once per ``check_interval_minutes``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from pathlib import Path

from corral_dream.gates import GateResult, check_gates
from corral_dream.settings import Settings


def log_path(cwd: Path) -> Path:
    from corral.api import project_dir, user_state_dir

    return user_state_dir() / "dream" / f"{project_dir(cwd).name}.log"


#: Dreams started by this process; kept so they are reaped (polled) rather than left as zombies.
_children: list[subprocess.Popen[bytes]] = []


def spawn(cwd: Path) -> int:
    """Start a detached dream for ``cwd``; returns its pid."""
    out = log_path(cwd)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "ab") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "corral_dream.background", "--cwd", str(cwd)],
            stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True,
            cwd=str(cwd), env=dict(os.environ),
        )
    _children[:] = [c for c in _children if c.poll() is None]
    _children.append(child)
    return child.pid


def dreaming() -> bool:
    """Whether a dream this process started is still running."""
    _children[:] = [c for c in _children if c.poll() is None]
    return bool(_children)


def maybe_start(cwd: Path, settings: Settings) -> tuple[GateResult, int | None]:
    """Check the gates; when they pass, start a background dream."""
    from corral.api import MemoryStore

    result = check_gates(MemoryStore.for_project(cwd), cwd, settings)
    if not result.passed:
        return result, None
    return result, spawn(cwd)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="corral_dream.background")
    parser.add_argument("--cwd", required=True)
    args = parser.parse_args(argv)
    cwd = Path(args.cwd)

    from corral.api import App, CorralError

    from corral_dream.runner import dream

    try:
        app = App.create(cwd=cwd)
        found = app.config.plugin_settings("dream")
        settings = found if isinstance(found, Settings) else Settings()
        report = asyncio.run(dream(cwd, app.config, settings, trigger="auto",
                                   progress=lambda m: print(f"dream: {m}", flush=True),
                                   app=app))
    except CorralError as exc:
        print(f"dream: {exc}", flush=True)
        return exc.exit_code
    return 0 if report.committed else 1


if __name__ == "__main__":
    sys.exit(main())
