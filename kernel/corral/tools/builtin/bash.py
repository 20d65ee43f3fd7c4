"""Bash: run a shell command in the session's working directory."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Annotated

import msgspec

from corral.permissions.context import DISABLE_KEY
from corral.tools.base import Tool, ToolResult
from corral.tools.builtin._proc import CappedOutput, kill_group, pump, spawn
from corral.tools.builtin.bash_jobs import AUTO_BACKGROUND_S, adopt_job, start_job

if TYPE_CHECKING:
    from corral.sandbox.runtime import Launch
    from corral.session import Session

DEFAULT_TIMEOUT_MS = 120_000
MAX_TIMEOUT_MS = 600_000
#: How long output may keep arriving after the shell itself has exited.
DRAIN_SECONDS = 0.5
#: While output is still open, how often to check whether the shell itself has exited.
_EXIT_POLL_SECONDS = 0.1


class BashInput(msgspec.Struct, kw_only=True):
    command: Annotated[str, msgspec.Meta(description="The command line, run with `bash -c`.")]
    timeout: (
        Annotated[
            int,
            msgspec.Meta(
                ge=1,
                le=MAX_TIMEOUT_MS,
                description="Time limit in milliseconds (default 120000, at most 600000).",
            ),
        ]
        | None
    ) = None
    description: (
        Annotated[str, msgspec.Meta(description="A few words saying what the command does.")] | None
    ) = None
    run_in_background: Annotated[
        bool,
        msgspec.Meta(
            description="Start the command as a background job and return its id at once."
        ),
    ] = False
    dangerouslyDisableSandbox: Annotated[  # noqa: N815 - the name models know
        bool,
        msgspec.Meta(
            description="Run this one command outside the OS sandbox. Only when a command "
            "fails because of the sandbox (no network, read-only files); the user is asked."
        ),
    ] = False


class Bash(Tool):
    name = "Bash"
    description = (
        "Run a command with bash in the session's working directory (each call starts a fresh "
        "shell there, so `cd` does not carry over). stdout and stderr come back together, "
        "followed by the exit code; long output keeps its beginning and end with the middle "
        "left out. The command is killed with everything it started when the time limit "
        "(default 2 minutes, at most 10) runs out. For servers, watchers and other long "
        "jobs set run_in_background: you get a job id to read with BashOutput and stop with "
        "KillShell. Prefer Read, Edit, Glob and Grep over cat, sed, find and grep."
    )
    input_type = BashInput
    concurrency_safe = False

    async def run(self, session: Session, params: BashInput) -> ToolResult:
        if not params.command.strip():
            return ToolResult(content="command is empty; give a command to run.", is_error=True)
        if params.run_in_background:
            job = await start_job(session, params.command, params.description,
                                  disable_sandbox=params.dangerouslyDisableSandbox)
            return ToolResult(
                content=(
                    f"Started background job {job.id} (pid {job.proc.pid}). Read its output "
                    f"with BashOutput(bash_id={job.id!r}); stop it with "
                    f"KillShell(shell_id={job.id!r})."
                ),
                meta={"bash_id": job.id, "pid": job.proc.pid},
            )
        return await self._foreground(session, params)

    async def _foreground(self, session: Session, params: BashInput) -> ToolResult:
        timeout_ms = params.timeout or DEFAULT_TIMEOUT_MS
        started = time.monotonic()
        try:
            from corral.sandbox.runtime import shell_launch  # loaded by the first command
            from corral.tools.builtin import _prestart as prestart

            launch = await shell_launch(session, params.command, _flags(params))
            try:
                proc = prestart.take(session, launch, params.command)
                prestarted = proc is not None
                if proc is None:
                    proc = await _spawn_or_kill(launch, session)
            finally:
                launch.close()
        except OSError as exc:
            return ToolResult(content=f"Could not start bash: {exc}.", is_error=True)
        out = CappedOutput()
        reader = asyncio.create_task(pump(proc.stdout, out))
        notes: list[str] = []
        timed_out = False
        auto = session.stash.get(AUTO_BACKGROUND_S)
        if isinstance(auto, int | float) and 0 < auto < timeout_ms / 1000:
            finished = asyncio.ensure_future(_until_exit(proc, reader))
            done, _ = await asyncio.wait({finished}, timeout=auto)
            if not done:
                finished.cancel()
                job = adopt_job(session, params.command, params.description, proc, out, reader)
                return ToolResult(
                    content=(
                        f"The command ran longer than {auto:g} s and moved to the background "
                        f"as job {job.id}; you will be told when it finishes. Read its output "
                        f"with BashOutput(bash_id={job.id!r}); stop it with "
                        f"KillShell(shell_id={job.id!r})."
                    ),
                    meta={"bash_id": job.id, "pid": proc.pid, "backgrounded": True},
                )
        try:
            try:
                async with asyncio.timeout(timeout_ms / 1000):
                    await _until_exit(proc, reader)
            except TimeoutError:
                timed_out = True
                outside = kill_group(proc)
                notes.append(f"Command timed out after {timeout_ms} ms; {_ended(outside)}")
            done, _ = await asyncio.wait({reader}, timeout=DRAIN_SECONDS)
            if not done:
                # Something the command started still holds the output pipe open.
                kill_group(proc)
                await asyncio.wait({reader}, timeout=DRAIN_SECONDS)
                notes.append(
                    "The command exited but processes it started kept its output open; they "
                    "were killed. Use run_in_background for long-running processes."
                )
            await _reap(proc)
            if prestart.usable(launch, params.command):
                await prestart.prepare(session, launch.argv[-3])  # the next command's sandbox
        except asyncio.CancelledError:
            kill_group(proc)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await _reap(proc)
            raise
        finally:
            if not reader.done():
                reader.cancel()
        code = proc.returncode
        text = out.render() if out else "(no output)"
        if not text.endswith("\n"):
            text += "\n"
        for note in notes:
            text += f"[{note}]\n"
        text += "Exit code: killed (timeout)" if timed_out else f"Exit code: {code}"
        return ToolResult(
            content=text,
            is_error=timed_out,
            meta={
                "exit_code": code,
                "timed_out": timed_out,
                "elided_bytes": out.dropped_bytes,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "sandboxed": launch.sandboxed,
                "prestarted": prestarted,
            },
        )


def _ended(outside: int) -> str:
    """What a timeout ended: the command's process group, and processes that had left it."""
    if not outside:
        return "its process group (it and every process it started) was killed."
    plural = "processes were" if outside > 1 else "process was"
    return (f"its process group was killed, and {outside} {plural} ended that had left it "
            "(setsid or a daemonizing fork) but were started by the command, outside its "
            "process group.")


async def _spawn_or_kill(launch: Launch, session: Session) -> asyncio.subprocess.Process:
    """Start the command; a cancellation that arrives while it is starting (its pipes are
    still being connected, the command already runs) kills it instead of leaving it."""
    starting = asyncio.ensure_future(spawn(launch.argv, session.cwd, launch.env,
                                           launch.pass_fds, contained=launch.contained))
    try:
        return await asyncio.shield(starting)
    except asyncio.CancelledError:
        with contextlib.suppress(OSError):
            proc = await starting
            kill_group(proc)
            await _reap(proc)
        raise


def _flags(params: BashInput) -> dict[str, bool]:
    return {DISABLE_KEY: params.dangerouslyDisableSandbox}


async def _until_exit(proc: asyncio.subprocess.Process, reader: asyncio.Task[None]) -> None:
    """Return once the output has ended and the shell exited, or once the shell exited
    while processes it started still hold the output open."""
    while True:
        done, _ = await asyncio.wait({reader}, timeout=_EXIT_POLL_SECONDS)
        if done:
            await proc.wait()
            return
        # asyncio's wait() also waits for the pipes to close; the exit status comes sooner.
        if proc.returncode is not None:
            return


async def _reap(proc: asyncio.subprocess.Process) -> None:
    """Collect a killed process so it leaves no zombie, without waiting long."""
    try:
        await asyncio.wait_for(proc.wait(), timeout=2)
    except TimeoutError:
        pass
