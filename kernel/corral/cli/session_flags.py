"""``--session-id UUID``: the id a new session takes, checked before anything runs."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from corral.errors import UsageError


def chosen_session_id(args: argparse.Namespace, cwd: Path) -> str | None:
    """The id ``--session-id`` asks for (a UUID, in its usual lower-case dashed form), or
    ``None``. It names a new session: a malformed id, one combined with ``-c``/``-r``, or
    one a transcript of any project already has is a usage error."""
    value: str | None = getattr(args, "session_id", None)
    if value is None:
        return None
    try:
        chosen = uuid.UUID(value.strip())
    except ValueError:
        raise UsageError(f"--session-id {value!r}: not a UUID (e.g. "
                         f"{uuid.UUID(int=0x1234)!s})") from None
    if args.continue_ or args.resume is not None:
        raise UsageError("--session-id names a new session; it cannot be combined with "
                         "-c/--continue or -r/--resume")
    from corral.engine.transcript import project_dir

    projects = project_dir(cwd).parent
    for name in (str(chosen), chosen.hex):
        for found in projects.glob(f"*/{name}.jsonl"):
            raise UsageError(f"--session-id {chosen}: a session with this id already exists "
                             f"({found}); resume it with -r {name}, or choose a new id")
    return str(chosen)
