"""Background shell jobs: starting them, BashOutput, KillShell and finish notices.

Jobs live in ``session.stash[JOBS]`` (a :class:`BashJobs`). The kernel's internal plugin
:mod:`corral.internal_plugins.jobs` polls :func:`finished_jobs` between requests to tell the model
about jobs that ended, and calls :func:`kill_all_jobs` when the session ends.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from corral.permissions.context import DISABLE_KEY
from corral.stash import StashKey
from corral.tools.base import Tool, ToolResult
from corral.tools.builtin._proc import CappedOutput, kill_group, pump, spawn

if TYPE_CHECKING:
    from corral.session import Session

#: Key of the job table in ``session.stash``.
JOBS: StashKey[BashJobs] = StashKey("bash_jobs")

JobStatus = Literal["running", "exited", "killed"]


class BashJob:
    """One background command and the output the model has not read yet."""

    def __init__(self, job_id: str, command: str, description: str | None) -> None:
        self.id = job_id
        self.command = command
        self.description = description
        self.started_at = time.time()
        self.unread = CappedOutput()
        self.status: JobStatus = "running"
        self.exit_code: int | None = None
        #: Set once the model has been told the job ended (by a notice or by reading it).
        self.reported = False
        self.proc: asyncio.subprocess.Process
        self.monitor: asyncio.Task[None] | None = None

    def take_output(self) -> CappedOutput:
        out, self.unread = self.unread, CappedOutput()
        return out

    def state_line(self) -> str:
        if self.status == "running":
            return f"Job {self.id} is running."
        if self.status == "killed":
            return f"Job {self.id} was killed."
        return f"Job {self.id} exited with code {self.exit_code}."


class BashJobs:
    """The background jobs of one session, by id (``bash_1``, ``bash_2`` …)."""

    def __init__(self) -> None:
        self.jobs: dict[str, BashJob] = {}
        self._counter = 0

    def new_id(self) -> str:
        self._counter += 1
        return f"bash_{self._counter}"


class JobNotice(msgspec.Struct, frozen=True):
    """A background job that ended and has not been reported to the model yet."""

    job_id: str
    command: str
    status: str
    exit_code: int | None
    text: str


def jobs_of(session: Session) -> BashJobs:
    return session.stash.get_or_create(JOBS, BashJobs)


def has_jobs(session: Session) -> bool:
    """Whether the session ever started a background job (its table exists)."""
    return JOBS in session.stash


async def _watch(job: BashJob) -> None:
    await pump(job.proc.stdout, job.unread)
    code = await job.proc.wait()
    if job.status == "running":
        job.status = "exited"
        job.exit_code = code


async def start_job(session: Session, command: str, description: str | None, *,
                    disable_sandbox: bool = False) -> BashJob:
    """Start ``command`` in the background (sandboxed like a foreground command) and
    register it with the session."""
    jobs = jobs_of(session)
    job = BashJob(jobs.new_id(), command, description)
    from corral.sandbox.runtime import shell_launch  # loaded by the first command

    launch = await shell_launch(session, command, {DISABLE_KEY: disable_sandbox})
    try:
        job.proc = await spawn(launch.argv, session.cwd, launch.env, launch.pass_fds,
                               contained=launch.contained)
    finally:
        launch.close()
    job.monitor = asyncio.create_task(_watch(job), name=f"corral-{job.id}")
    jobs.jobs[job.id] = job
    return job


#: ``session.stash`` key: seconds after which a foreground command moves to the
#: background instead of blocking the turn (set by plugins such as kairos; unset: never).
AUTO_BACKGROUND_S: StashKey[float] = StashKey("bash_auto_background_s")


def adopt_job(
    session: Session,
    command: str,
    description: str | None,
    proc: asyncio.subprocess.Process,
    out: CappedOutput,
    reader: asyncio.Task[None],
) -> BashJob:
    """Turn a running foreground command into a background job; its output so far stays
    unread for BashOutput, and its completion is reported like any job's."""
    jobs = jobs_of(session)
    job = BashJob(jobs.new_id(), command, description)
    job.proc = proc
    job.unread = out

    async def watch() -> None:
        await asyncio.wait({reader})
        code = await proc.wait()
        if job.status == "running":
            job.status = "exited"
            job.exit_code = code

    job.monitor = asyncio.create_task(watch(), name=f"corral-{job.id}")
    jobs.jobs[job.id] = job
    return job


async def _stop(job: BashJob) -> None:
    if job.status == "running":
        job.status = "killed"
        kill_group(job.proc)
    if job.monitor is not None:
        await asyncio.wait({job.monitor}, timeout=2)
        if not job.monitor.done():
            job.monitor.cancel()
    if job.proc.returncode is None:
        try:
            await asyncio.wait_for(job.proc.wait(), timeout=2)
        except TimeoutError:
            pass
    job.exit_code = job.proc.returncode


def finished_jobs(session: Session) -> list[JobNotice]:
    """Jobs that ended since the last call and that the model has not been told about.

    Each is returned once: it is marked reported.
    """
    notices = []
    for job in jobs_of(session).jobs.values():
        if job.status == "running" or job.reported:
            continue
        job.reported = True
        how = "was killed" if job.status == "killed" else f"exited with code {job.exit_code}"
        text = (
            f"Background job {job.id} ({job.command!r}) {how}. "
            f"Read its remaining output with BashOutput(bash_id={job.id!r})."
        )
        notices.append(
            JobNotice(
                job_id=job.id,
                command=job.command,
                status=job.status,
                exit_code=job.exit_code,
                text=text,
            )
        )
    return notices


async def kill_all_jobs(session: Session) -> int:
    """Kill every running background job of the session; return how many were running."""
    running = [job for job in jobs_of(session).jobs.values() if job.status == "running"]
    for job in running:
        job.reported = True
        await _stop(job)
    return len(running)


def _unknown(session: Session, job_id: str) -> ToolResult:
    known = ", ".join(jobs_of(session).jobs) or "none have been started"
    return ToolResult(
        content=f"No background job with id {job_id!r}. Known jobs: {known}.", is_error=True
    )


class BashOutputInput(msgspec.Struct, kw_only=True):
    bash_id: Annotated[str, msgspec.Meta(description="Id of the job, as Bash returned it.")]
    filter: (
        Annotated[
            str,
            msgspec.Meta(description="Regular expression; only lines matching it are shown."),
        ]
        | None
    ) = None


class BashOutput(Tool):
    name = "BashOutput"
    description = (
        "Show what a background job started by Bash has printed since the last time you "
        "looked, and whether it is still running. With filter, only lines matching that "
        "regular expression are shown (the others are still consumed)."
    )
    input_type = BashOutputInput
    concurrency_safe = True
    read_only = True

    async def run(self, session: Session, params: BashOutputInput) -> ToolResult:
        job = jobs_of(session).jobs.get(params.bash_id)
        if job is None:
            return _unknown(session, params.bash_id)
        pattern = None
        if params.filter is not None:
            try:
                pattern = re.compile(params.filter)
            except re.error as exc:
                return ToolResult(content=f"filter is not a valid regex: {exc}.", is_error=True)
        if job.status != "running":
            if job.monitor is not None:
                await asyncio.wait({job.monitor}, timeout=1)
            job.reported = True
        out = job.take_output()
        text = out.render() if out else ""
        if pattern is not None:
            text = "\n".join(line for line in text.splitlines() if pattern.search(line))
        body = text if text.strip() else "(no new output)"
        return ToolResult(
            content=f"{job.state_line()}\n{body}",
            meta={"bash_id": job.id, "status": job.status, "exit_code": job.exit_code},
        )


class KillShellInput(msgspec.Struct, kw_only=True):
    shell_id: Annotated[str, msgspec.Meta(description="Id of the background job to stop.")]


class KillShell(Tool):
    name = "KillShell"
    description = "Stop a background job started by Bash, together with every process it started."
    input_type = KillShellInput

    async def run(self, session: Session, params: KillShellInput) -> ToolResult:
        job = jobs_of(session).jobs.get(params.shell_id)
        if job is None:
            return _unknown(session, params.shell_id)
        if job.status != "running":
            return ToolResult(content=f"{job.state_line()} Nothing to stop.")
        job.reported = True
        await _stop(job)
        return ToolResult(
            content=f"Killed job {job.id} ({job.command!r}).",
            meta={"bash_id": job.id, "status": job.status},
        )
