from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral.tools.builtin import Bash, BashOutput, KillShell, finished_jobs, kill_all_jobs
from corral.tools.builtin.bash import BashInput
from corral.tools.builtin.bash_jobs import JOBS

from .conftest import Call, run_tool


def _gone(pid: int, within: float = 3.0) -> bool:
    """True once ``pid`` no longer runs (a zombie waiting for its reaper counts as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


async def _wait_for_file(path: Path, within: float = 5.0) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        await asyncio.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


def test_output_order_and_exit_code(call: Call) -> None:
    result = call(Bash(), command="echo out; echo err >&2; echo out2; exit 3")
    assert result.content == "out\nerr\nout2\nExit code: 3"
    assert result.meta["exit_code"] == 3
    assert not result.is_error


def test_runs_in_session_cwd(call: Call, workdir: Path) -> None:
    assert call(Bash(), command="pwd").content == f"{workdir}\nExit code: 0"


def test_no_output(call: Call) -> None:
    assert call(Bash(), command="true").content == "(no output)\nExit code: 0"


def test_empty_command(call: Call) -> None:
    result = call(Bash(), command="   ")
    assert result.is_error and "command is empty" in str(result.content)


def test_long_output_keeps_head_and_tail(call: Call) -> None:
    result = call(Bash(), command="seq 1 100000")
    text = str(result.content)
    full = "".join(f"{i}\n" for i in range(1, 100001))
    head, rest = text.split("[… ", 1)
    note, tail = rest.split(" …]\n", 1)
    assert head.startswith("1\n2\n3\n") and head.endswith("\n")
    assert tail.endswith("99999\n100000\nExit code: 0")
    kept_tail = tail.removesuffix("Exit code: 0")
    dropped = re.match(r"(\d+) bytes \((\d+) lines\) of output elided here; (\d+) bytes", note)
    assert dropped is not None
    n_bytes, n_lines, total = map(int, dropped.groups())
    assert total == len(full)
    assert len(head) + n_bytes + len(kept_tail) == len(full)
    assert head.count("\n") + n_lines + kept_tail.count("\n") == 100000
    assert full.startswith(head) and full.endswith(kept_tail)


@pytest.mark.usefixtures("corral_no_sandbox")
def test_timeout_kills_the_group(call: Call, workdir: Path) -> None:
    started = time.monotonic()
    result = call(Bash(), command="sleep 30 & echo $! > child.pid; wait", timeout=500)
    assert time.monotonic() - started < 5
    assert result.is_error
    assert "timed out after 500 ms" in str(result.content)
    assert str(result.content).endswith("Exit code: killed (timeout)")
    assert _gone(int((workdir / "child.pid").read_text()))


@pytest.mark.usefixtures("corral_no_sandbox")
def test_leftover_child_holding_output_is_killed(call: Call, workdir: Path) -> None:
    started = time.monotonic()
    result = call(Bash(), command="echo hi; sleep 30 & echo $! > child.pid")
    assert time.monotonic() - started < 5
    assert str(result.content).startswith("hi\n")
    assert "kept its output open; they were killed" in str(result.content)
    assert _gone(int((workdir / "child.pid").read_text()))


@pytest.mark.usefixtures("corral_no_sandbox")
def test_cancellation_kills_the_process_group(session: Any, workdir: Path) -> None:
    params = BashInput(command="echo $$ > shell.pid; sleep 30 & echo $! > child.pid; wait")

    async def scenario() -> None:
        task = asyncio.create_task(Bash().run(session, params))
        await _wait_for_file(workdir / "child.pid")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert _gone(int((workdir / "shell.pid").read_text()))
    assert _gone(int((workdir / "child.pid").read_text()))


def test_timeout_over_the_maximum_is_rejected_naming_the_field() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"<= 600000 - at `\$.timeout`"):
        msgspec.convert({"command": "ls", "timeout": 700_000}, BashInput)
    with pytest.raises(msgspec.ValidationError, match=r"Object missing required field `command`"):
        msgspec.convert({}, BashInput)


def test_background_job_output_and_finish_notice(session: Any) -> None:
    async def scenario() -> tuple[list[str], list[Any], list[Any]]:
        started = await Bash().run(
            session,
            BashInput(command="echo start; sleep 0.3; echo done; exit 4", run_in_background=True),
        )
        assert "Started background job bash_1" in str(started.content)
        contents = []
        first = await BashOutput().run(
            session, msgspec.convert({"bash_id": "bash_1"}, BashOutput.input_type)
        )
        contents.append(str(first.content))
        notices: list[Any] = []
        deadline = time.monotonic() + 5
        while not notices and time.monotonic() < deadline:
            notices = finished_jobs(session)
            await asyncio.sleep(0.02)
        again = finished_jobs(session)
        last = await BashOutput().run(
            session, msgspec.convert({"bash_id": "bash_1"}, BashOutput.input_type)
        )
        contents.append(str(last.content))
        return contents, notices, again

    contents, notices, again = asyncio.run(scenario())
    assert contents[0].startswith("Job bash_1 is running.")
    assert len(notices) == 1 and notices[0].job_id == "bash_1" and notices[0].exit_code == 4
    assert "exited with code 4" in notices[0].text
    assert again == []
    assert contents[1].startswith("Job bash_1 exited with code 4.")
    assert "done" in contents[1]
    assert (contents[0] + contents[1]).count("start") == 1  # output is handed out once


def test_bash_output_filter_and_unknown_id(session: Any) -> None:
    async def scenario() -> tuple[str, str]:
        await Bash().run(
            session, BashInput(command="printf 'a1\\nb2\\na3\\n'", run_in_background=True)
        )
        job = session.stash[JOBS].jobs["bash_1"]
        assert job.monitor is not None
        await asyncio.wait_for(job.monitor, 5)
        out = await BashOutput().run(
            session, msgspec.convert({"bash_id": "bash_1", "filter": "^a"}, BashOutput.input_type)
        )
        unknown = await BashOutput().run(
            session, msgspec.convert({"bash_id": "bash_9"}, BashOutput.input_type)
        )
        assert unknown.is_error
        return str(out.content), str(unknown.content)

    out, unknown = asyncio.run(scenario())
    assert out == "Job bash_1 exited with code 0.\na1\na3"
    assert unknown == "No background job with id 'bash_9'. Known jobs: bash_1."


@pytest.mark.usefixtures("corral_no_sandbox")
def test_kill_shell_stops_the_job(session: Any, workdir: Path) -> None:
    async def scenario() -> tuple[str, str, str, int]:
        await Bash().run(
            session,
            BashInput(command="sleep 30 & echo $! > child.pid; wait", run_in_background=True),
        )
        pid = int(await _wait_for_file(workdir / "child.pid"))
        kill = msgspec.convert({"shell_id": "bash_1"}, KillShell.input_type)
        first = await KillShell().run(session, kill)
        second = await KillShell().run(session, kill)
        missing = await KillShell().run(
            session, msgspec.convert({"shell_id": "nope"}, KillShell.input_type)
        )
        return str(first.content), str(second.content), str(missing.content), pid

    first, second, missing, pid = asyncio.run(scenario())
    assert first.startswith("Killed job bash_1")
    assert second == "Job bash_1 was killed. Nothing to stop."
    assert "No background job with id 'nope'" in missing
    assert _gone(pid)
    assert finished_jobs(session) == []  # the model already knows: it killed it


def test_kill_all_jobs(session: Any, workdir: Path) -> None:
    async def scenario() -> int:
        for _ in range(2):
            await Bash().run(session, BashInput(command="sleep 30", run_in_background=True))
        return await kill_all_jobs(session)

    assert asyncio.run(scenario()) == 2
    jobs = session.stash[JOBS].jobs
    assert {job.status for job in jobs.values()} == {"killed"}
    assert all(_gone(job.proc.pid) for job in jobs.values())


def test_tool_flags() -> None:
    assert Bash.concurrency_safe is False and Bash.read_only is False
    assert BashOutput.read_only is True


def test_run_tool_helper_validates(session: Any) -> None:
    with pytest.raises(msgspec.ValidationError, match="run_in_background"):
        run_tool(Bash(), session, command="ls", run_in_background="yes")


def test_missing_cwd_reported(session: Any, workdir: Path) -> None:
    session.cwd = workdir / "gone"
    result = run_tool(Bash(), session, command="pwd")
    assert result.is_error
    assert str(result.content).startswith("Could not start bash:")


def test_bash_output_bad_filter(session: Any) -> None:
    async def scenario() -> str:
        await Bash().run(session, BashInput(command="true", run_in_background=True))
        out = await BashOutput().run(
            session, msgspec.convert({"bash_id": "bash_1", "filter": "("}, BashOutput.input_type)
        )
        await kill_all_jobs(session)
        job = session.stash[JOBS].jobs["bash_1"]
        assert job.monitor is not None
        await asyncio.wait_for(job.monitor, 5)
        assert out.is_error
        return str(out.content)

    assert asyncio.run(scenario()).startswith("filter is not a valid regex:")


@pytest.mark.usefixtures("corral_no_sandbox")  # host pids
def test_timeout_ends_a_child_that_left_the_group_and_cleared_its_environment(
    call: Call, workdir: Path
) -> None:
    """``env -i setsid …`` carries no run mark and is in no process group of ours: only the
    command's cgroup still holds it."""
    import shutil

    from corral.tools.builtin._cgroup import _own_dir

    if _own_dir() is None:
        pytest.skip("no writable cgroup2 hierarchy with cgroup.kill for this user here")
    if shutil.which("setsid") is None:
        pytest.skip("setsid is not installed")
    command = "env -i setsid sleep 31.9 & echo $! > escaped.pid; sleep 30"
    parent = _own_dir()
    assert parent is not None
    ours = f"corral-{os.getpid()}-*"  # other processes on this machine may make their own
    before = set(parent.glob(ours))
    result = call(Bash(), command=command, timeout=1500)
    assert result.is_error and "timed out after 1500 ms" in str(result.content)
    escaped = int((workdir / "escaped.pid").read_text())
    deadline = time.monotonic() + 5
    while not _gone(escaped) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(escaped), "an env -i setsid child survived the timeout"
    assert "1 process was ended that had left it" in str(result.content)
    assert set(parent.glob(ours)) <= before, "the command's cgroup was not removed"


@pytest.mark.usefixtures("corral_no_sandbox")  # host pids; the sandbox's own test: tests/sandbox
def test_timeout_ends_children_that_left_the_process_group(call: Call, workdir: Path) -> None:
    import shutil

    if shutil.which("setsid") is None:
        pytest.skip("setsid is not installed")
    command = ("setsid sleep 31.7 & echo $! > escaped.pid; "
               "(setsid bash -c 'sleep 31.8 & echo $! > grandchild.pid; wait' &); sleep 30")
    result = call(Bash(), command=command, timeout=1500)
    assert result.is_error and "timed out after 1500 ms" in str(result.content)
    escaped = int((workdir / "escaped.pid").read_text())
    deadline = time.monotonic() + 5
    while not (workdir / "grandchild.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int((workdir / "grandchild.pid").read_text())
    for pid in (escaped, grandchild):
        deadline = time.monotonic() + 5
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert _gone(escaped) and _gone(grandchild), "a setsid child survived the timeout"
    note = str(result.content)
    assert re.search(r"\d+ process(es)? (were|was) ended", note), note
    assert "outside its process group" in note
