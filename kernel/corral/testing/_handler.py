"""The HTTP request handler of the test server: routing, recording, writing replies."""

from __future__ import annotations

import http.server
import socket
import time
from typing import TYPE_CHECKING, Any, NoReturn

import msgspec

from corral.testing import _render
from corral.testing._record import RecordedRequest
from corral.testing.replies import ErrorReply, MessageReply, error

if TYPE_CHECKING:
    from corral.testing._server import MessagesServer

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"


class _Dropped(Exception):
    """The reply ended early on purpose (a cut) or because the server is stopping."""


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers one connection's requests on behalf of a :class:`MessagesServer`."""

    protocol_version = "HTTP/1.1"
    server_version = "corral-testing"
    disable_nagle_algorithm = True
    #: Seconds an idle keep-alive connection may wait for its next request.
    timeout = 60

    owner: MessagesServer
    _received_at: float = 0.0

    def setup(self) -> None:
        super().setup()
        self.owner = self.server.owner  # type: ignore[attr-defined]
        self.number = self.owner._new_connection()

    def handle_one_request(self) -> None:
        self.owner._idle(self.connection, True)
        try:
            first = self.rfile.peek(1)  # type: ignore[attr-defined]
        except (OSError, ValueError):
            first = b""
        finally:
            self.owner._idle(self.connection, False)
        if not first:
            self.close_connection = True
            return
        self._received_at = time.perf_counter()
        try:
            super().handle_one_request()
        except _Dropped:
            self.close_connection = True
        except OSError:  # the client went away mid-reply
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests read the recorded requests instead of a log."""

    # --- routing --------------------------------------------------------------------------------

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        path, _, query = _origin_form(self.path).partition("?")
        record = RecordedRequest(
            method=self.command,
            path=path,
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            received_at=self._received_at,
            connection=self.number,
            client_port=int(self.client_address[1]),
        )
        self.owner._record(record)
        if self.command == "POST" and path == MESSAGES_PATH:
            problem = self.owner._refuse(record)
            if problem is not None:
                record.note = problem.message
                self._send_error(record, problem)
                return
            reply = self.owner._take_reply(record)
            record.reply = reply
            if isinstance(reply, ErrorReply):
                self._send_error(record, reply)
            else:
                self._send_message(record, reply)
        elif self.command == "POST" and path == COUNT_TOKENS_PATH:
            problem = self.owner._refuse(record, counting=True)
            if problem is not None:
                record.note = problem.message
                self._send_error(record, problem)
                return
            count = {"input_tokens": _render.estimate_tokens(record.body)}
            self._send_json(record, 200, _render.json_bytes(count), {})
        else:
            record.note = f"unknown route {self.command} {path}"
            reply = error(
                404,
                f"corral.testing serves POST {MESSAGES_PATH} and POST {COUNT_TOKENS_PATH}; "
                f"got {self.command} {path}",
            )
            self._send_error(record, reply)

    def _read_body(self) -> Any:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw:
            return None
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return None

    # --- writing --------------------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        if seconds > 0 and self.owner._stopping.wait(seconds):
            raise _Dropped

    def _start(self, record: RecordedRequest, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("request-id", self.owner._new_id("req_"))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        record.status = status

    def _send_json(
        self,
        record: RecordedRequest,
        status: int,
        body: bytes,
        headers: dict[str, str],
        cut_after: int | None = None,
    ) -> None:
        headers = {"content-type": "application/json", "content-length": str(len(body)), **headers}
        self._start(record, status, headers)
        if cut_after is not None and cut_after < len(body):
            self.wfile.write(body[:cut_after])
            record.replied_at = time.perf_counter()
            self._drop()
        record.replied_at = time.perf_counter()
        self.wfile.write(body)

    def _send_error(self, record: RecordedRequest, reply: ErrorReply) -> None:
        self._wait(reply.first_byte_delay)
        request_id = self.owner._new_id("req_")
        body = _render.json_bytes(_render.error_object(reply, request_id))
        self._send_json(record, reply.status, body, _render.error_headers(reply))

    def _send_message(self, record: RecordedRequest, reply: MessageReply) -> None:
        self._wait(reply.first_byte_delay)
        message = _render.message_object(reply, record.body, self.owner._new_id)
        if not record.stream:
            body = _render.json_bytes(message)
            self._send_json(record, 200, body, {}, cut_after=reply.cut_after_events)
            return
        headers = {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "transfer-encoding": "chunked",
        }
        self._start(record, 200, headers)
        events = _render.stream_events(message, reply.chunk_size)
        for number, (name, data) in enumerate(events):
            if number:
                self._wait(reply.event_delay)
            if number == reply.cut_after_events:
                self._cut(record, reply.stream_error)
                return
            frame = _chunk(_render.sse_frame(name, data))
            if number == len(events) - 1:
                record.replied_at = time.perf_counter()
                self.wfile.write(frame + b"0\r\n\r\n")
            else:
                self.wfile.write(frame)

    def _cut(self, record: RecordedRequest, stream_error: ErrorReply | None) -> None:
        if stream_error is None:
            record.replied_at = time.perf_counter()
            self._drop()
        data = _render.error_object(stream_error, self.owner._new_id("req_"))
        record.replied_at = time.perf_counter()
        self.wfile.write(_chunk(_render.sse_frame("error", data)) + b"0\r\n\r\n")

    def _drop(self) -> NoReturn:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise _Dropped


def _origin_form(target: str) -> str:
    """The path and query of a request target, also when it came in absolute form
    (``http://host:port/path``, as a proxy forwards it): HTTP/1.1 servers accept both."""
    if target.startswith(("http://", "https://")):
        rest = target.split("://", 1)[1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
    return target


def _chunk(payload: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(payload), payload)
