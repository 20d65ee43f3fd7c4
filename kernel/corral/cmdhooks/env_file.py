"""``CLAUDE_ENV_FILE``: SessionStart (and Setup) hooks persist variables for later commands.

Those hooks get ``CLAUDE_ENV_FILE``, the path of an empty file of the session. Lines such as
``export NAME=value`` (or ``export PATH="$PATH:/opt/tool/bin"``) written there by the hooks
are read once the hooks are done: bash sources the file in the shell commands' environment
and every variable it exported or changed is set for the run's later shell commands (the
session's and its sub-agents'). The file is sourced once, not before each command, so the
commands themselves are not rewritten.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from corral.cmdhooks.presence import ENV_DIR
from corral.events import Notice

if TYPE_CHECKING:
    from corral.session import Session

#: Events whose hooks get ``CLAUDE_ENV_FILE``.
ENV_FILE_EVENTS = frozenset({"SessionStart", "Setup"})
ENV_FILE_VAR = "CLAUDE_ENV_FILE"
#: Seconds bash may take to source the file.
SOURCE_TIMEOUT_S = 10.0


def env_file(session: Session) -> Path:
    """The session's env file (made empty on first use)."""
    folder = session.stash.get(ENV_DIR)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="corral-hook-env-"))
        session.stash[ENV_DIR] = folder
    path = folder / "env.sh"
    if not path.exists():
        path.write_text("")
    return path


async def apply_env_file(session: Session) -> dict[str, str]:
    """Source the env file the hooks wrote; set what it exported for later commands and
    return it (empty when the hooks wrote nothing)."""
    folder = session.stash.get(ENV_DIR)
    path = folder / "env.sh" if folder is not None else None
    if path is None or not path.exists() or not path.read_text().strip():
        return {}
    from corral.sandbox.runtime import shell_env  # loaded where a hook sets variables

    base = shell_env(session)
    bash = shutil.which("bash") or "/bin/bash"
    script = '. "$1" >/dev/null 2>&1; exec env -0'
    try:
        proc = await asyncio.create_subprocess_exec(
            bash, "--noprofile", "--norc", "-c", script, "bash", str(path),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, env=base, cwd=str(session.cwd),
            start_new_session=True)
    except OSError as exc:
        await _warn(session, f"could not read {ENV_FILE_VAR} ({path}): {exc}")
        return {}
    try:
        async with asyncio.timeout(SOURCE_TIMEOUT_S):
            out, _ = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        await _warn(session, f"sourcing {ENV_FILE_VAR} ({path}) took longer than "
                    f"{SOURCE_TIMEOUT_S:g} s; its variables are not set")
        return {}
    added: dict[str, str] = {}
    for item in out.split(b"\0"):
        name, sep, value = item.decode("utf-8", "replace").partition("=")
        if not sep or name in ("_", "SHLVL", "PWD", "OLDPWD"):
            continue
        if base.get(name) != value:
            added[name] = value
    if added:
        from corral.sandbox.runtime import add_shell_env

        add_shell_env(session, added)
        await session.emit(Notice(
            level="info", text=f"hooks set {', '.join(sorted(added))} for later commands",
            data={"hook_env_file": str(path), "names": sorted(added)}))
    path.write_text("")  # read once; a later SessionStart writes afresh
    return added


def remove_env_dir(session: Session) -> None:
    """Delete the session's env file (its end)."""
    folder = session.stash.pop(ENV_DIR)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


async def _warn(session: Session, text: str) -> None:
    await session.emit(Notice(level="warning", text=text, data={"hook_env_file": True}))
