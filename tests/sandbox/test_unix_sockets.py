"""Real bubblewrap: sockets in the file system are out of reach unless allowed."""

from __future__ import annotations

import socket
import sys
import threading
from pathlib import Path

import msgspec
import pytest
from corral.sandbox.seccomp import unix_socket_filter

from .conftest import bash

pytestmark = pytest.mark.usefixtures("bwrap_works")


class _UnixListener:
    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(str(path))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.sendall(b"daemon says hi\n")
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


def _connect(path: Path) -> str:
    code = ("import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
            "print(s.recv(100).decode().strip())")
    return f"{sys.executable} -I -c '{code}' {path} 2>&1 | tail -1; echo end"


@pytest.fixture
def listener(tmp_path: Path) -> object:
    if unix_socket_filter() is None:
        pytest.skip("no seccomp filter for this machine")
    server = _UnixListener(tmp_path / "daemon.sock")
    yield server
    server.close()


def test_unix_sockets_are_refused(make_session, tmp_path: Path, listener) -> None:
    result = bash(make_session("bypassPermissions"), _connect(tmp_path / "daemon.sock"))
    assert "daemon says hi" not in result.content
    assert "PermissionError" in result.content and listener.connections == 0
    # socketpair still works (it reaches nothing)
    result = bash(make_session("bypassPermissions"),
                  f"{sys.executable} -I -c 'import socket; a,b=socket.socketpair(); "
                  "a.send(b\"pair ok\"); print(b.recv(9).decode())'")
    assert "pair ok" in result.content


def test_refused_too_when_domains_are_allowed(make_session, project: Path, tmp_path: Path,
                                              listener) -> None:
    (project / ".claude" / "corral.toml").write_text(
        '[sandbox.network]\nallowed_domains = ["example.invalid"]\n')
    result = bash(make_session("bypassPermissions"), _connect(tmp_path / "daemon.sock"))
    assert "daemon says hi" not in result.content and listener.connections == 0
    assert "PermissionError" in result.content


def test_allow_all_unix_sockets(make_session, project: Path, tmp_path: Path,
                                listener) -> None:
    (project / ".claude" / "corral.toml").write_text(
        '[sandbox.network]\nallow_all_unix_sockets = true\n')
    result = bash(make_session("bypassPermissions"), _connect(tmp_path / "daemon.sock"))
    assert "daemon says hi" in result.content and listener.connections == 1


def test_the_filter_is_built_once_per_session_and_applied_to_each_command(
        make_session, tmp_path: Path, listener, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    import corral.sandbox.runtime as runtime
    from corral.tools.builtin import Bash

    built: list[bytes | None] = []

    def counting(machine: str | None = None) -> bytes | None:
        built.append(unix_socket_filter(machine))
        return built[-1]

    monkeypatch.setattr(runtime, "unix_socket_filter", counting)
    session = make_session("bypassPermissions")
    command = msgspec.convert({"command": _connect(tmp_path / "daemon.sock")},
                              Bash.input_type)

    async def go() -> list[str]:
        try:
            return [str((await Bash().run(session, command)).content) for _ in range(3)]
        finally:
            await session.end()

    outputs = asyncio.run(go())
    assert len(built) == 1
    for output in outputs:
        assert "PermissionError" in output and "daemon says hi" not in output
    assert listener.connections == 0
