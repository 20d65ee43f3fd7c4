"""Real bubblewrap and real loopback servers: allowed domains through the proxy only."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from corral.sandbox.proxy import host_allowed

from .conftest import bash


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = f"hello from {self.headers['Host']} {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def origin() -> object:
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_host_patterns() -> None:
    assert host_allowed("pypi.org", ["pypi.org"])
    assert host_allowed("PyPI.org.", ["pypi.org"])
    assert not host_allowed("evil-pypi.org", ["pypi.org"])
    assert not host_allowed("files.pypi.org", ["pypi.org"])
    assert host_allowed("files.pythonhosted.org", ["*.pythonhosted.org"])
    assert not host_allowed("pythonhosted.org", ["*.pythonhosted.org"])
    assert not host_allowed("xpythonhosted.org", ["*.pythonhosted.org"])


@pytest.mark.usefixtures("bwrap_works")
def test_only_allowed_domains_are_reachable(make_session, project: Path, origin) -> None:
    port = origin.server_address[1]
    (project / ".claude" / "corral.toml").write_text(
        '[sandbox.network]\nallowed_domains = ["localhost"]\n')
    script = (f"curl -s -m 5 http://localhost:{port}/ok; echo plain=$?; "
              f"curl -s -m 5 -o /dev/null -w '%{{http_code}}' http://127.0.0.1:{port}/no; "
              "echo ' other=$?'; "
              f"curl -s -m 5 -p http://127.0.0.1:{port}/tunnel; echo tunnel=$?; "
              f"curl -s -m 5 --noproxy '*' http://localhost:{port}/direct; echo direct=$?")
    result = bash(make_session("bypassPermissions"), script)
    out = result.content
    assert f"hello from localhost:{port} /ok" in out, out
    assert "403 other=" in out, out
    assert "/tunnel" not in out and "/direct" not in out, out
    assert "direct=0" not in out


@pytest.mark.usefixtures("bwrap_works")
def test_connect_tunnel_to_an_allowed_host(make_session, project: Path, origin) -> None:
    port = origin.server_address[1]
    (project / ".claude" / "corral.toml").write_text(
        '[sandbox.network]\nallowed_domains = ["localhost"]\n')
    result = bash(make_session("bypassPermissions"),
                  f"curl -s -m 5 -p http://localhost:{port}/tunnelled")
    assert f"hello from localhost:{port} /tunnelled" in result.content, result.content
