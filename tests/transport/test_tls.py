"""HTTPS on the default wire: the trust store, ``SSL_CERT_FILE``, and TLS over the connection
the warm-up opened ahead. The certificates are made for the test by the ``openssl`` command."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from corral.transport import preopen, tls
from corral.transport.errors import APIError
from corral.transport.h11_wire import H11Wire
from corral.transport.warm import warm
from corral.transport.wire import Timeouts

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="the openssl command is needed to make certificates")

ANSWER = b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nsecure"
HEADERS = {"content-type": "application/json"}


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``ca.pem`` (a root) and ``server.pem``/``server.key`` (localhost, signed by it)."""
    where = tmp_path_factory.mktemp("tls")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=corral test root",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=where)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
             "-out", "server.csr", "-subj", "/CN=localhost", cwd=where)
    (where / "server.ext").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-out", "server.pem", "-extfile", "server.ext",
             cwd=where)
    return where


class TLSServer:
    """Accepts one connection over TLS and answers every request on it with ``ANSWER``."""

    def __init__(self, certificates: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificates / "server.pem", certificates / "server.key")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.answered = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"https://localhost:{self.listener.getsockname()[1]}"

    def _serve(self) -> None:
        try:
            raw, _ = self.listener.accept()
            with self.context.wrap_socket(raw, server_side=True) as connection:
                data = b""
                while True:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                    while b"\r\n\r\n" in data:
                        head, _, data = data.partition(b"\r\n\r\n")
                        length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                           if line.lower().startswith(b"content-length")), 0))
                        while len(data) < length:
                            data += connection.recv(65536)
                        data = data[length:]
                        connection.sendall(ANSWER)
                        self.answered += 1
        except (OSError, ValueError):
            return

    def close(self) -> None:
        self.listener.close()
        self.thread.join(5)


@pytest.fixture
def fresh_context(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Build the process's TLS context again under this test's environment."""
    monkeypatch.setattr(tls, "_context", None)
    yield
    preopen.discard()


def get(wire: H11Wire, url: str, times: int) -> list[bytes]:
    async def go() -> list[bytes]:
        bodies = []
        try:
            for _ in range(times):
                async with wire.stream("POST", url, HEADERS, b"{}", Timeouts(3, 3)) as response:
                    bodies.append(await response.aread())
            return bodies
        finally:
            await wire.aclose()

    return asyncio.run(go())


@pytest.mark.usefixtures("fresh_context")
def test_ssl_cert_file_is_trusted_and_the_connection_kept(
        certificates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    server = TLSServer(certificates)
    wire = H11Wire()
    try:
        assert get(wire, server.base_url + "/v1/messages", 2) == [b"secure", b"secure"]
    finally:
        server.close()
    assert server.answered == 2 and wire.pool.opened == 1


@pytest.mark.usefixtures("fresh_context")
def test_an_untrusted_certificate_is_a_connection_error(
        certificates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    server = TLSServer(certificates)
    try:
        with pytest.raises(APIError) as caught:
            get(H11Wire(), server.base_url + "/v1/messages", 1)
    finally:
        server.close()
    assert caught.value.kind == "connection_error"
    assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
    assert server.answered == 0


@pytest.mark.usefixtures("fresh_context")
def test_tls_runs_over_the_connection_opened_ahead(
        certificates: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates / "ca.pem"))
    server = TLSServer(certificates)  # it accepts one connection only: the one opened ahead
    wire = H11Wire()
    try:
        assert warm(server.base_url) is not None
        assert get(wire, server.base_url + "/v1/messages", 2) == [b"secure", b"secure"]
    finally:
        server.close()
    assert server.answered == 2 and wire.pool.opened == 1
