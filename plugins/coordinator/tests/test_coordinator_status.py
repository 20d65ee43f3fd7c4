"""The coordinator's status view (each worker's state, turns, cost) and notifications offered
through ``corral_idle`` when the REPL waits for input."""

from __future__ import annotations

import asyncio
import io
import threading
from pathlib import Path

from corral.api import App, Session
from corral.testing import MessagesServer, RecordedRequest, text
from corral_coordinator._state import catalogue_of, state_of
from rich.console import Console

from ._script import Router
from .conftest import write_agent


def _render(app: App, session: Session) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=120)
    for _plugin, renderable in app.host.status(session):
        console.print(renderable)
    return buf.getvalue()


def test_status_shows_each_worker_and_idle_delivers_its_notification(
    anthropic_server: MessagesServer, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "alpha", "You are ALPHA-MARK.", tools="Read")
    release = threading.Event()

    def held(request: RecordedRequest):  # noqa: ANN202
        release.wait(10)
        return text("alpha is done").with_usage(input_tokens=1000, output_tokens=10)

    anthropic_server.respond_with(Router({"main": [], "ALPHA-MARK": [held]}))

    async def scenario() -> tuple[str, str, str | None, str | None]:
        app = App.create(cwd=project, cli={"plugins": {"coordinator": {"mode": True}}})
        session = Session(app, headless=False)  # as in the REPL: idle polls never block
        await session.start()
        pool = state_of(session).pool
        assert pool is not None
        definition = catalogue_of(session).get("alpha")
        assert definition is not None
        worker = await pool.spawn(definition, "do it", description="the alpha job")
        for _ in range(500):  # until its request is at the server
            if worker.session.messages:
                break
            await asyncio.sleep(0.01)
        busy = _render(app, session)
        assert await app.host.idle(session) is None  # nothing arrived yet
        release.set()
        for _ in range(500):
            if not worker.busy:
                break
            await asyncio.sleep(0.01)
        done = _render(app, session)
        first = await app.host.idle(session)
        second = await app.host.idle(session)
        await session.end()
        return busy, done, first, second

    busy, done, first, second = asyncio.run(scenario())
    assert "worker" in busy and "turns" in busy and "cost" in busy
    row = next(line for line in busy.splitlines() if line.startswith("w1"))
    assert "alpha" in row and "running" in row and "the alpha job" in row
    row = next(line for line in done.splitlines() if line.startswith("w1"))
    assert "idle" in row and " 1 " in row and "$0.0" in row
    assert first is not None and '<worker-notification id="w1" status="completed">' in first
    assert "alpha is done" in first
    assert second is None  # delivered once


def test_headless_idle_waits_for_busy_workers(
    anthropic_server: MessagesServer, project: Path
) -> None:
    write_agent(project / ".claude" / "agents", "alpha", "You are ALPHA-MARK.", tools="Read")
    release = threading.Event()

    def held(request: RecordedRequest):  # noqa: ANN202
        release.wait(10)
        return text("finished late")

    anthropic_server.respond_with(Router({"main": [], "ALPHA-MARK": [held]}))

    async def scenario() -> tuple[bool, str | None]:
        app = App.create(cwd=project, cli={"plugins": {"coordinator": {"mode": True}}})
        session = Session(app, headless=True)
        await session.start()
        pool = state_of(session).pool
        definition = catalogue_of(session).get("alpha")
        assert pool is not None and definition is not None
        await pool.spawn(definition, "do it", description="late job")
        waiting = asyncio.ensure_future(app.host.idle(session))
        await asyncio.sleep(0.2)
        early = waiting.done()
        release.set()
        found = await asyncio.wait_for(waiting, 10)
        await session.end()
        return early, found

    early, found = asyncio.run(scenario())
    assert early is False  # it waited for the worker instead of returning nothing
    assert found is not None and "finished late" in found
