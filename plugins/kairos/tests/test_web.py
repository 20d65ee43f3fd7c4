"""The remote page's front door over real HTTP, and permission requests queued to the bridge."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import pytest
from corral.testing import MessagesServer, text, tool_use
from corral_kairos.bridge import call
from corral_kairos.daemon import Daemon
from corral_kairos.errors import DaemonError
from corral_kairos.web import COOKIE

from .conftest import bounded, until

CONFIG = (
    "[features]\nkairos = true\n[api]\nmax_retries = 0\n"
    "[plugins.kairos]\ninterval_s = 600\npoll_s = 0.02\nwatch = false\nbridge_rate_per_s = 50\n"
)


def configure(project: Path, extra: str = "") -> None:
    (project / ".claude" / "corral.toml").write_text(CONFIG + extra)


def get(port: int, path: str, headers: dict[str, str] | None = None
        ) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


async def aget(port: int, path: str, headers: dict[str, str] | None = None
               ) -> tuple[int, dict[str, str], str]:
    return await bounded(asyncio.to_thread(get, port, path, headers))


async def login_path(daemon: Daemon) -> str:
    reply = await call(daemon.state_dir, {"op": "login"})
    assert reply["ok"], reply
    url = urlsplit(reply["url"])
    assert url.hostname == "127.0.0.1" and url.port == daemon.bridge.port  # type: ignore[union-attr]
    return f"{url.path}?{url.query}"


def run_daemon(project: Path, body: Any) -> Any:
    async def scenario() -> Any:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        try:
            return await body(daemon)
        finally:
            daemon.request_stop()
            await bounded(task)

    return asyncio.run(scenario())


def test_a_login_link_works_once_and_the_page_needs_the_cookie(project: Path) -> None:
    configure(project)

    async def body(daemon: Daemon) -> None:
        port = daemon.bridge.port  # type: ignore[union-attr]
        status, _, page = await aget(port, "/")
        assert status == 401 and "corral kairos url" in page
        assert (await aget(port, "/static/app.js"))[0] == 401
        link = await login_path(daemon)
        assert daemon.bridge.token not in link  # type: ignore[union-attr]
        status, headers, page = await aget(port, link)
        assert status == 200, page
        cookie = headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie and "Secure" not in cookie
        session = cookie.split(";", 1)[0]
        assert daemon.bridge.token not in session  # type: ignore[union-attr]
        # the same link again: refused, and no cookie
        status, headers, page = await aget(port, link)
        assert status == 403 and "Set-Cookie" not in headers and "used already" in page
        status, headers, page = await aget(port, "/", {"Cookie": session})
        assert status == 200 and 'id="turn"' in page
        assert "connect-src 'self'" in headers["Content-Security-Policy"]
        status, headers, script = await aget(port, "/static/app.js", {"Cookie": session})
        assert status == 200 and headers["Content-Type"].startswith("text/javascript")
        assert "new WebSocket" in script
        assert (await aget(port, "/", {"Cookie": f"{COOKIE}=forged"}))[0] == 401
        assert (await aget(port, "/login?code=made-up"))[0] == 403
        # a name that is not loopback (DNS rebinding) is not answered
        assert (await aget(port, "/", {"Cookie": session, "Host": "evil.example"}))[0] == 421
        # signing out ends the session
        assert (await aget(port, "/logout", {"Cookie": session}))[0] == 200
        assert (await aget(port, "/", {"Cookie": session}))[0] == 401

    run_daemon(project, body)


def test_an_old_login_link_is_refused(project: Path) -> None:
    configure(project, "web_login_ttl_s = 0.2\n")

    async def body(daemon: Daemon) -> None:
        link = await login_path(daemon)
        await asyncio.sleep(0.4)
        status, headers, _ = await aget(daemon.bridge.port, link)  # type: ignore[union-attr]
        assert status == 403 and "Set-Cookie" not in headers

    run_daemon(project, body)


def test_the_live_channel_needs_the_cookie_and_the_page_origin(project: Path) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    configure(project)

    async def body(daemon: Daemon) -> None:
        port = daemon.bridge.port  # type: ignore[union-attr]
        _, headers, _ = await aget(port, await login_path(daemon))
        session = headers["Set-Cookie"].split(";", 1)[0]
        url = f"ws://127.0.0.1:{port}/ws"
        own = f"http://127.0.0.1:{port}"
        for cookie, origin, status in ((None, own, 401), (session, "http://evil.example", 403)):
            sent = {"Origin": origin, **({"Cookie": cookie} if cookie else {})}
            with pytest.raises(InvalidStatus) as refused:
                await connect(url, additional_headers=sent, proxy=None, open_timeout=5)
            assert refused.value.response.status_code == status
        async with connect(url, additional_headers={"Cookie": session, "Origin": own},
                           proxy=None, open_timeout=5) as ws:
            await ws.send(b'{"op": "snapshot", "id": 1}')
            reply = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 5))
            assert reply["ok"] and reply["snapshot"]["state"] == "idle"
            assert any("daemon started" in line for line in reply["snapshot"]["log"])
            # the page may not mint links or stop the daemon
            for op in ("login", "stop"):
                await ws.send(msgspec.json.encode({"op": op, "id": op}))
                reply = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 5))
                assert reply == {"id": op, "ok": False, "error": f"{op} needs the bridge token"}
        assert not daemon.stopping.is_set()

    run_daemon(project, body)


def test_listening_beyond_loopback_without_tls_is_refused(project: Path) -> None:
    configure(project, 'bridge_host = "0.0.0.0"\n')
    with pytest.raises(DaemonError, match="needs TLS; set bridge_tls_cert and bridge_tls_key"):
        asyncio.run(bounded(Daemon(project).run()))
    configure(project, 'bridge_tls_cert = "cert.pem"\n')
    with pytest.raises(DaemonError, match="go together"):
        asyncio.run(bounded(Daemon(project).run()))
    configure(project, 'bridge_tls_cert = "cert.pem"\nbridge_tls_key = "key.pem"\n')
    with pytest.raises(DaemonError, match="cannot load bridge_tls_cert 'cert.pem'"):
        asyncio.run(bounded(Daemon(project).run()))


EDIT_SCRIPT = (
    tool_use("Read", {"file_path": "notes.txt"}, id="toolu_read"),
    tool_use("Edit", {"file_path": "notes.txt", "old_string": "draft", "new_string": "final"},
             id="toolu_edit"),
)


def edit_project(project: Path, extra: str = "") -> Path:
    configure(project, 'permission_mode = "default"\n' + extra)
    target = project / "notes.txt"
    target.write_text("a draft\n")
    return target


async def subscribe(daemon: Daemon) -> Any:
    from websockets.asyncio.client import connect

    ws = await connect(f"ws://127.0.0.1:{daemon.bridge.port}",  # type: ignore[union-attr]
                       additional_headers={"Authorization": f"Bearer {daemon.bridge.token}"},  # type: ignore[union-attr]
                       proxy=None, open_timeout=5)
    await ws.send(b'{"op": "subscribe", "id": "s"}')
    return ws


async def next_with(ws: Any, key: str) -> dict[str, Any]:
    while True:
        data = msgspec.json.decode(await asyncio.wait_for(ws.recv(), 10))
        if key in data:
            return data  # type: ignore[no-any-return]


def test_a_bridge_turn_asks_and_an_answer_over_the_bridge_lets_the_edit_run(
    anthropic_server: MessagesServer, project: Path
) -> None:
    target = edit_project(project)
    anthropic_server.enqueue(*EDIT_SCRIPT, text("edited"))

    async def body(daemon: Daemon) -> None:
        ws = await subscribe(daemon)
        try:
            daemon.submit("bridge", "make the notes final")
            ask = (await next_with(ws, "permission_request"))["permission_request"]
            assert ask["tool"] == "Edit" and ask["origin"] == "bridge"
            assert ask["tool_use_id"] == "toolu_edit"
            assert ask["input"]["new_string"] == "final"
            assert [p.id for p in daemon.permissions.pending()] == [ask["id"]]
            assert daemon.snapshot()["state"] == "working"
            await ws.send(msgspec.json.encode({"op": "answer", "id": 2, "request": ask["id"],
                                               "answer": "maybe"}))
            refused = await next_with(ws, "error")
            assert refused["ok"] is False and "allow, always, deny" in refused["error"]
            await ws.send(msgspec.json.encode({"op": "answer", "id": 3, "request": ask["id"],
                                               "answer": "allow"}))
            done = await next_with(ws, "permission_resolved")
            assert done["permission_resolved"] == {"id": ask["id"], "answer": "allow"}
            await until(lambda: not daemon.current, 10)
        finally:
            await ws.close()

    run_daemon(project, body)
    assert target.read_text() == "a final\n"
    log = (project / ".claude" / "memory" / "logs").rglob("*.md")
    assert "permission for Edit notes.txt (bridge turn): allow, answered from the bridge" in \
        "".join(p.read_text() for p in log)


def test_an_unanswered_request_is_denied_after_the_timeout_and_logged(
    anthropic_server: MessagesServer, project: Path
) -> None:
    target = edit_project(project, "permission_timeout_s = 0.3\n")
    anthropic_server.enqueue(*EDIT_SCRIPT, text("could not edit"))

    async def body(daemon: Daemon) -> None:
        daemon.submit("bridge", "make the notes final")
        await until(lambda: len(anthropic_server.message_requests) == 3, 10)
        await until(lambda: not daemon.current, 10)

    run_daemon(project, body)
    assert target.read_text() == "a draft\n"
    results = anthropic_server.message_requests[2].messages[-1]["content"]
    denied = [b for b in results if b.get("type") == "tool_result"]
    assert denied and denied[0]["is_error"] is True
    assert "nobody answered within 0.3s" in str(denied[0]["content"])
    log = "".join(p.read_text() for p in (project / ".claude" / "memory" / "logs").rglob("*.md"))
    assert "permission for Edit notes.txt (bridge turn) denied: nobody answered within 0.3s" in log


def test_interrupt_ends_a_turn_waiting_for_permission(
    anthropic_server: MessagesServer, project: Path
) -> None:
    edit_project(project)
    anthropic_server.enqueue(*EDIT_SCRIPT)

    async def body(daemon: Daemon) -> None:
        ws = await subscribe(daemon)
        try:
            daemon.submit("bridge", "make the notes final")
            await next_with(ws, "permission_request")
            await ws.send(b'{"op": "interrupt", "id": 9}')
            assert (await next_with(ws, "interrupted"))["interrupted"] is True
            gone = await next_with(ws, "permission_resolved")
            assert gone["permission_resolved"]["answer"] == "cancelled"
            while True:
                event = (await next_with(ws, "event"))["event"]
                if event["type"] == "turn_end":
                    assert event["reason"] == "interrupted"
                    break
            assert daemon.permissions.pending() == []
        finally:
            await ws.close()

    run_daemon(project, body)


def test_the_url_and_open_commands_on_a_running_daemon(project: Path, tmp_path: Path) -> None:
    import os
    import shlex
    import sys

    configure(project)
    opened = tmp_path / "opened.txt"
    recorder = f"import sys, pathlib; pathlib.Path({str(opened)!r}).write_text(sys.argv[1])"
    browser = f"{shlex.quote(sys.executable)} -c {shlex.quote(recorder)} %s"

    async def corral(*args: str, env: dict[str, str]) -> tuple[int | None, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "corral", "kairos", *args, cwd=project, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        out, err = await bounded(proc.communicate(), 60)
        return proc.returncode, out.decode(), err.decode()

    async def body(daemon: Daemon) -> None:
        port = daemon.bridge.port  # type: ignore[union-attr]
        code, out, err = await corral("url", env=dict(os.environ))
        assert code == 0, err
        url = urlsplit(out.strip())
        assert url.scheme == "http" and url.port == port and url.path == "/login"
        assert "works once, within 120s" in err
        assert daemon.bridge.token not in out + err  # type: ignore[union-attr]
        link = f"{url.path}?{url.query}"
        assert (await aget(port, link))[0] == 200
        assert (await aget(port, link))[0] == 403
        code, out, err = await corral("open", env={**os.environ, "BROWSER": browser})
        assert code == 0, err
        await until(opened.exists, 10)
        handed = urlsplit(opened.read_text())
        assert handed.port == port and handed.query != url.query
        assert (await aget(port, f"{handed.path}?{handed.query}"))[0] == 200

    run_daemon(project, body)


def test_attach_shows_a_permission_request_and_answers_it(
    anthropic_server: MessagesServer, project: Path
) -> None:
    import io
    import time

    from corral_kairos.attach import Attach

    target = edit_project(project)
    anthropic_server.enqueue(*EDIT_SCRIPT, text("edited from attach"))
    out = io.StringIO()

    class Typist(io.StringIO):
        """Types its lines only once attach has printed the question."""

        def readline(self, size: int | None = -1) -> str:
            deadline = time.monotonic() + 20
            while "[permission p1]" not in out.getvalue() and time.monotonic() < deadline:
                time.sleep(0.02)
            return super().readline()

    async def body(daemon: Daemon) -> None:
        daemon.submit("bridge", "make the notes final")
        client = Attach(daemon.state_dir, Typist("/deny p9\n/allow p1\n"), out, rate_per_s=50,
                        interactive=False)
        task = asyncio.create_task(client.run())
        try:
            # attach leaves when its input ends; the turn goes on with the answer given
            assert await bounded(task, 20) == 0
            await until(lambda: not daemon.current, 10)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        result = anthropic_server.message_requests[-1].messages[-1]["content"][0]
        assert result["tool_use_id"] == "toolu_edit" and not result.get("is_error")

    run_daemon(project, body)
    shown = out.getvalue()
    assert "[permission p1] Edit" in shown and "/allow p1, /always p1 or /deny p1" in shown
    assert "[refused: no pending permission request 'p9'" in shown
    assert "[answered p1]" in shown and "[permission p1: allow]" in shown
    assert target.read_text() == "a final\n"
