from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from corral.tools.builtin import WebFetch

from .conftest import Call

PAGE = b"""<!doctype html><html><head><title>Test  Page</title>
<style>body { color: red }</style><script>var secret = 1;</script></head>
<body><h1>Welcome</h1><p>First   paragraph
with <a href="/next">a link</a>.</p>
<ul><li>one</li><li>two</li></ul><pre>  keep   spacing</pre></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, ctype: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        port = self.headers["Host"].rsplit(":", 1)[1]
        routes = {
            "/page": lambda: self._send(200, "text/html; charset=utf-8", PAGE),
            "/plain": lambda: self._send(200, "text/plain", b"just text\n"),
            "/json": lambda: self._send(200, "application/json", b'{"a": 1}'),
            "/same": lambda: self._send(302, "text/plain", b"", Location="/plain"),
            "/other": lambda: self._send(
                302, "text/plain", b"", Location=f"http://localhost:{port}/plain"
            ),
            "/loop": lambda: self._send(302, "text/plain", b"", Location="/loop"),
            "/missing": lambda: self._send(404, "text/plain", b"no such page"),
            "/binary": lambda: self._send(200, "application/octet-stream", b"\x00\x01\x02"),
            "/big": lambda: self._send(200, "text/plain", b"a" * 3000),
            "/slow": self._slow,
        }
        routes.get(self.path, lambda: self._send(404, "text/plain", b"?"))()

    def _slow(self) -> None:
        self.server.release.wait(5)  # type: ignore[attr-defined]
        self._send(200, "text/plain", b"late")


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.release = threading.Event()  # type: ignore[attr-defined]
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.release.set()  # type: ignore[attr-defined]
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_html_to_text_with_prompt(call: Call, server: str) -> None:
    result = call(WebFetch(), url=f"{server}/page", prompt="What is the title?")
    assert not result.is_error
    text = str(result.content)
    assert text.startswith(f"URL: {server}/page\nStatus: 200 text/html, {len(PAGE)} bytes\n")
    assert "Title: Test Page" in text
    assert "# Welcome" in text
    assert f"First paragraph with [a link]({server}/next)." in text
    assert "- one\n- two" in text
    assert "  keep   spacing" in text
    assert "secret" not in text and "color: red" not in text
    assert text.endswith("---\nPrompt: What is the title?")


def test_plain_and_json(call: Call, server: str) -> None:
    assert "\njust text\n" in str(call(WebFetch(), url=f"{server}/plain", prompt="p").content)
    assert '{"a": 1}' in str(call(WebFetch(), url=f"{server}/json", prompt="p").content)


def test_same_host_redirect_followed(call: Call, server: str) -> None:
    result = call(WebFetch(), url=f"{server}/same", prompt="p")
    assert f"URL: {server}/plain" in str(result.content)
    assert "just text" in str(result.content)


def test_other_host_redirect_reported(call: Call, server: str) -> None:
    result = call(WebFetch(), url=f"{server}/other", prompt="p")
    assert not result.is_error
    assert "which is on another host" in str(result.content)
    assert result.meta["redirect"].startswith("http://localhost:")


def test_redirect_loop(call: Call, server: str) -> None:
    result = call(WebFetch(), url=f"{server}/loop", prompt="p")
    assert result.is_error and "redirected more than 10 times" in str(result.content)


def test_http_error(call: Call, server: str) -> None:
    result = call(WebFetch(), url=f"{server}/missing", prompt="p")
    assert result.is_error
    assert str(result.content).startswith("HTTP error 404.")
    assert "no such page" in str(result.content)


def test_binary_refused(call: Call, server: str) -> None:
    result = call(WebFetch(), url=f"{server}/binary", prompt="p")
    assert result.is_error and "application/octet-stream content, which is not text" in str(
        result.content
    )


def test_size_limit(call: Call, server: str) -> None:
    result = call(WebFetch(max_bytes=1000), url=f"{server}/big", prompt="p")
    text = str(result.content)
    assert "\n" + "a" * 1000 + "\n" in text and "a" * 1001 not in text
    assert "[The body was cut at 1000 bytes.]" in text


def test_time_limit(call: Call, server: str) -> None:
    result = call(WebFetch(timeout=0.3), url=f"{server}/slow", prompt="p")
    assert result.is_error
    assert "timed out after 0.3 seconds" in str(result.content)


def test_bad_url(call: Call) -> None:
    result = call(WebFetch(), url="ftp://example.invalid/x", prompt="p")
    assert result.is_error and "must be a full http:// or https:// URL" in str(result.content)


def test_connection_refused(call: Call) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = call(WebFetch(), url=f"http://127.0.0.1:{port}/", prompt="p")
    assert result.is_error and "Could not fetch" in str(result.content)
