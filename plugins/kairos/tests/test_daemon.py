"""The daemon in-process against the scripted server, its bridge, and the process wrapper."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import msgspec
import pytest
from corral.testing import MessagesServer, text
from corral_kairos import process
from corral_kairos.bridge import call
from corral_kairos.daemon import Daemon, read_state
from corral_kairos.errors import DaemonError

from .conftest import bounded, text_of, until

FAST = (
    "[features]\nkairos = true\n"
    "[api]\nretry_base_delay_s = 0.01\nmax_retries = 0\n"
    "[plugins.kairos]\ninterval_s = 30\nchange_delay_s = 0.01\npoll_s = 0.02\n"
)


def configure(project: Path, extra: str = "") -> None:
    (project / ".claude" / "corral.toml").write_text(FAST + extra)


def test_daemon_ticks_on_a_file_change_logs_it_and_stops_cleanly(
    anthropic_server: MessagesServer, project: Path
) -> None:
    configure(project, "bridge = false\n")
    anthropic_server.enqueue(text("noted the new file"))

    async def scenario() -> Daemon:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        await asyncio.sleep(0.2)
        (project / "todo.md").write_text("- fix the bug\n")
        await until(lambda: len(anthropic_server.message_requests) == 1)
        await until(lambda: daemon.runtime.ticker.counters.ticks_run == 1 and not daemon.current)
        daemon.request_stop()
        await bounded(task)
        return daemon

    daemon = asyncio.run(scenario())
    request = anthropic_server.message_requests[0]
    tick = text_of(request.messages[-1]["content"])
    assert tick.startswith("<tick>\nlocal time: ")
    assert "todo.md (added)" in tick
    state = read_state(daemon.state_dir)
    assert state is not None and state.running is False and state.calls == 1
    log = daemon.runtime.log.path_for(daemon.clock()).read_text()
    assert "kairos: daemon started" in log
    assert "noted the new file" in log and "kairos: daemon stopped" in log


def test_bridge_rejects_bad_tokens_and_origins_and_send_reaches_the_model(
    anthropic_server: MessagesServer, project: Path
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    configure(project, "watch = false\n")
    anthropic_server.enqueue(text("bridge command done"))
    daemon: Daemon
    token_mode = 0

    async def closed_code(headers: dict[str, str]) -> int | None:
        url = f"ws://127.0.0.1:{daemon.bridge.port}"  # type: ignore[union-attr]
        ws = await connect(url, additional_headers=headers, proxy=None, open_timeout=5)
        try:
            with pytest.raises(ConnectionClosed):
                await ws.send(b'{"op": "send", "text": "sneaky"}')
                await asyncio.wait_for(ws.recv(), 5)
        finally:
            await ws.close()
        return ws.close_code

    async def scenario() -> tuple[list[int | None], int, dict[str, object]]:
        nonlocal daemon
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        nonlocal token_mode
        token_mode = (daemon.state_dir / "bridge.token").stat().st_mode
        codes = [await closed_code({}), await closed_code({"Authorization": "Bearer wrong"})]
        url = f"ws://127.0.0.1:{daemon.bridge.port}"  # type: ignore[union-attr]
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, origin="https://evil.example", proxy=None,  # type: ignore[arg-type]
                               additional_headers={"Authorization": f"Bearer {daemon.bridge.token}"}):  # type: ignore[union-attr]
                pass
        reply = await call(daemon.state_dir, {"op": "send", "text": "run the linter", "id": 7})
        await until(lambda: len(anthropic_server.message_requests) == 1)
        await until(lambda: not daemon.current)
        status = await call(daemon.state_dir, {"op": "status"})
        stop = await call(daemon.state_dir, {"op": "stop"})
        await bounded(task)
        assert stop["stopping"] is True
        return codes, refused.value.response.status_code, {**reply, "status": status}

    codes, origin_status, reply = asyncio.run(scenario())
    assert codes == [1008, 1008]
    assert origin_status == 403
    assert reply["ok"] is True and reply["id"] == 7 and reply["queued"] == 0
    request = anthropic_server.message_requests[0]
    assert text_of(request.messages[-1]["content"]) == "run the linter"
    assert len(anthropic_server.message_requests) == 1  # the refused "sneaky" never ran
    status = reply["status"]
    assert isinstance(status, dict) and status["status"]["calls"] == 1
    assert stat.S_IMODE(token_mode) == 0o600
    assert not (daemon.state_dir / "bridge.token").exists()  # removed when the daemon stopped


def test_daemon_resumes_its_session_after_a_restart(
    anthropic_server: MessagesServer, project: Path
) -> None:
    configure(project, "watch = false\nbridge = false\n")
    anthropic_server.enqueue(text("first answer"), text("second answer"))

    async def one_run(prompt: str) -> str:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        daemon.submit("bridge", prompt)
        await until(lambda: daemon.session.num_turns >= 1 and not daemon.current
                    and daemon.queue.empty())
        daemon.request_stop()
        await bounded(task)
        return daemon.session.id

    first = asyncio.run(one_run("one"))
    calls_before = len(anthropic_server.message_requests)
    second = asyncio.run(one_run("two"))
    assert first == second
    messages = anthropic_server.message_requests[calls_before].messages
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert text_of(messages[0]["content"]) == "one"
    assert text_of(messages[-1]["content"]) == "two"


def test_one_daemon_per_project_lock(project: Path) -> None:
    state_dir = project / "state"
    fd = process.acquire_lock(state_dir)
    try:
        (state_dir / process.PID_FILE).write_text("4242")
        with pytest.raises(DaemonError, match=r"already runs for this project \(pid 4242"):
            process.acquire_lock(state_dir)
        assert process.is_running(state_dir) == 4242
    finally:
        os.close(fd)
    assert process.is_running(state_dir) is None


def test_daemon_process_start_status_second_start_refused_stop(project: Path) -> None:
    configure(project, "watch = false\n")
    from corral.cli import main

    pid = process.spawn(project)
    try:
        from corral_kairos.dailylog import project_state_dir

        state_dir = project_state_dir(project)
        assert process.is_running(state_dir) == pid
        with pytest.raises(DaemonError, match="already runs"):
            process.spawn(project)
        reply = asyncio.run(call(state_dir, {"op": "status"}))
        assert reply["ok"] is True and reply["status"]["pid"] == pid
        assert main(["kairos", "status"]) == 0
    finally:
        stopped = process.terminate(project_state_dir(project))
    assert stopped is not None and stopped.pid == pid and not stopped.killed
    state = read_state(project_state_dir(project))
    assert state is not None and state.running is False
    data = msgspec.json.decode((project_state_dir(project) / "state.json").read_bytes())
    assert data["pid"] == pid


def test_daemon_runs_queued_bridge_input_before_a_queued_tick(
    anthropic_server: MessagesServer, project: Path
) -> None:
    configure(project, "watch = false\nbridge = false\n")
    anthropic_server.enqueue(text("bridge answer"), text("tick answer"))

    async def scenario() -> None:
        daemon = Daemon(project)
        daemon.queue.put("tick", "<tick>\nlocal time: now\n- queued first\n</tick>")
        daemon.queue.put("bridge", "queued second")
        task = asyncio.create_task(daemon.run())
        await until(lambda: len(anthropic_server.message_requests) == 2 and not daemon.current)
        daemon.request_stop()
        await bounded(task)

    asyncio.run(scenario())
    first, second = anthropic_server.message_requests
    assert text_of(first.messages[-1]["content"]) == "queued second"
    assert text_of(second.messages[-1]["content"]).startswith("<tick>")
