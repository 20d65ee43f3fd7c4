"""The scripted Messages-API server: lifecycle, the reply script and the request record."""

from __future__ import annotations

import collections
import http.server
import socket
import socketserver
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeAlias

from corral.errors import CorralError
from corral.testing._handler import Handler
from corral.testing._record import RecordedRequest
from corral.testing.replies import ErrorReply, MessageReply, Reply, error

#: A function of the request that returns the reply to send.
Responder: TypeAlias = Callable[[RecordedRequest], Reply]
#: What a script holds: a reply, or a responder used for exactly one request.
Scripted: TypeAlias = Reply | Responder

#: Seconds ``stop()`` waits for connection threads to end.
_JOIN_TIMEOUT = 5.0


def shut_down(connections: list[socket.socket]) -> None:
    """End ``connections`` both ways (their handler threads then see the end and return)."""
    for connection in connections:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class ScriptError(CorralError):
    """The test server was used in a way that cannot work (not started, bad script item)."""


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # MessagesServer.stop() closes connections and joins threads itself

    def __init__(self, owner: MessagesServer, address: tuple[str, int]) -> None:
        self.owner = owner
        super().__init__(address, owner._handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (getfqdn), which can stall for seconds
        # on a machine without DNS; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.owner._note_failure(request, client_address)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Registered here, in the accept thread, so that stop() (which joins that thread first)
        # always knows every connection it must close.
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        self.owner._track(request, thread, add=True)
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.owner._track(request, threading.current_thread(), add=False)

    def accept_loop(self, stopping: threading.Event) -> None:
        """Accept connections until ``stopping`` is set (and a connection wakes the loop).

        Used instead of ``serve_forever`` so that stopping takes no polling interval.
        """
        while True:
            try:
                request, address = self.get_request()
            except OSError:
                if not stopping.is_set():
                    self.owner._note_failure(None, None)
                return
            if stopping.is_set():
                self.shutdown_request(request)
                return
            try:
                self.process_request(request, address)
            except Exception:
                self.handle_error(request, address)
                self.shutdown_request(request)


class MessagesServer:
    """A real HTTP server on 127.0.0.1 that answers like the Anthropic Messages API.

    Replies come from a script: :meth:`enqueue` appends replies (or one-shot responder
    functions) to a queue taken in order; when the queue is empty the :meth:`respond_with`
    function answers; with neither, the server answers a 500 ``api_error`` saying the script is
    exhausted (with ``x-should-retry: false`` so the SDK does not retry it). Every request is kept
    in :attr:`requests`.

    Args:
        *replies: The initial script.
        responder: Answers requests once the queue is empty.
        api_key: When set, a request whose ``x-api-key`` (or bearer token) differs gets a 401.
        validate: Refuse (400) a messages request lacking ``model``, ``max_tokens`` or
            ``messages`` before any scripted reply is used, as the API does.
    """

    #: The request handler class: it routes paths and writes the wire format.
    _handler: type[Handler] = Handler

    def __init__(
        self,
        *replies: Scripted,
        responder: Responder | None = None,
        api_key: str | None = None,
        validate: bool = True,
    ) -> None:
        self._queue: collections.deque[Scripted] = collections.deque()
        self._responder = responder
        self._api_key = api_key
        self._validate = validate
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self._waiting: set[socket.socket] = set()
        self._accepted = 0
        self._threads: set[threading.Thread] = set()
        self._failures: list[str] = []
        self._counter = 0
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.enqueue(*replies)

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> MessagesServer:
        """Bind 127.0.0.1 on a free port and serve from a background thread."""
        if self._httpd is not None:
            raise ScriptError("corral.testing: this MessagesServer is already started")
        self._stopping.clear()
        self._httpd = _HTTPServer(self, ("127.0.0.1", 0))
        self._thread = threading.Thread(
            target=self._httpd.accept_loop,
            args=(self._stopping,),
            name=f"corral-testing-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections (ending slow replies) and wait for threads."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        try:  # wake the accept loop, which then sees the stop
            wake = ("127.0.0.1", int(httpd.server_address[1]))
            socket.create_connection(wake, timeout=1.0).close()
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(_JOIN_TIMEOUT)
            self._thread = None
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        shut_down(connections)
        for thread in threads:
            thread.join(_JOIN_TIMEOUT)

    def __enter__(self) -> MessagesServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def api_key(self) -> str | None:
        """The credential requests must carry (``None``: any); settable while serving, to
        test a credential that rotates."""
        return self._api_key

    @api_key.setter
    def api_key(self, value: str | None) -> None:
        with self._lock:
            self._api_key = value

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._httpd is not None

    @property
    def port(self) -> int:
        """The bound port."""
        if self._httpd is None:
            raise ScriptError(
                "corral.testing: the MessagesServer is not running; "
                "use it as a context manager or call start() first"
            )
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: what ``ANTHROPIC_BASE_URL`` or ``base_url=`` takes."""
        return f"http://127.0.0.1:{self.port}"

    # --- scripting ------------------------------------------------------------------------------

    def enqueue(self, *replies: Scripted) -> MessagesServer:
        """Append replies (or one-shot responders) to the script; returns the server."""
        for item in replies:
            if not isinstance(item, MessageReply | ErrorReply) and not callable(item):
                raise ScriptError(
                    f"corral.testing: cannot script {item!r}; enqueue a reply from "
                    "corral.testing.replies (text(), tool_use(), error(), ...) or a function "
                    "of the request returning one"
                )
        with self._lock:
            self._queue.extend(replies)
        return self

    def respond_with(self, responder: Responder | None) -> MessagesServer:
        """Answer with ``responder(request)`` whenever the queue is empty (``None``: stop)."""
        self._responder = responder
        return self

    @property
    def pending(self) -> int:
        """How many queued replies have not been used yet."""
        with self._lock:
            return len(self._queue)

    # --- the record -----------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy of the list)."""
        with self._lock:
            return list(self._requests)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """The ``POST /v1/messages`` requests only."""
        return [r for r in self.requests if r.path == "/v1/messages" and r.method == "POST"]

    @property
    def last_request(self) -> RecordedRequest:
        """The most recent request; :class:`ScriptError` when there was none."""
        with self._lock:
            if not self._requests:
                raise ScriptError("corral.testing: the server has received no request yet")
            return self._requests[-1]

    @property
    def failures(self) -> list[str]:
        """Unexpected exceptions inside the server (a bug in it or in a responder)."""
        with self._lock:
            return list(self._failures)

    def idle_gaps(self) -> list[float]:
        """Seconds from each reply's last byte to the arrival of the next request.

        The time the client spent between two model calls (tool execution, harness overhead),
        as the server saw it.
        """
        done = self.requests
        return [
            later.received_at - earlier.replied_at
            for earlier, later in zip(done, done[1:], strict=False)
            if earlier.replied_at is not None
        ]

    @property
    def connections(self) -> int:
        """How many connections the server has accepted so far."""
        with self._lock:
            return self._accepted

    def close_idle_connections(self) -> int:
        """Close every connection waiting for its next request (as a server does when a
        keep-alive connection has been idle too long); returns how many were closed."""
        with self._lock:
            idle = list(self._waiting)
        shut_down(idle)
        return len(idle)

    def clear(self) -> None:
        """Forget the recorded requests (the script is kept)."""
        with self._lock:
            self._requests.clear()

    # --- used by the handler --------------------------------------------------------------------

    def _record(self, record: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(record)

    def _new_connection(self) -> int:
        with self._lock:
            self._accepted += 1
            return self._accepted

    def _idle(self, connection: socket.socket, waiting: bool) -> None:
        with self._lock:
            if waiting:
                self._waiting.add(connection)
            else:
                self._waiting.discard(connection)

    def _new_id(self, prefix: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{prefix}corral{self._counter:018d}"

    def _track(self, connection: socket.socket, thread: threading.Thread, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(connection)
                self._threads.add(thread)
            else:
                self._connections.discard(connection)
                self._waiting.discard(connection)
                self._threads.discard(thread)

    def _note_failure(self, request: Any, client_address: Any) -> None:
        import traceback

        with self._lock:
            self._failures.append(traceback.format_exc())

    def _refuse(self, record: RecordedRequest, *, counting: bool = False) -> ErrorReply | None:
        """A 401 or 400 the API itself would answer before any scripted reply."""
        if self._api_key is not None:
            if record.api_key != self._api_key:
                return error(401, "invalid x-api-key (corral.testing expected another key)")
        if not self._validate:
            return None
        body = record.body
        if not isinstance(body, dict):
            return error(400, "the request body must be a JSON object")
        required = ("model", "messages") if counting else ("model", "max_tokens", "messages")
        for key in required:
            if key not in body:
                return error(400, f"{key}: Field required")
        if not isinstance(body["messages"], list):
            return error(400, "messages: Input should be a valid list")
        return None

    def _take_reply(self, record: RecordedRequest) -> Reply:
        with self._lock:
            item: Scripted | None = self._queue.popleft() if self._queue else self._responder
            number = sum(1 for r in self._requests if r.path == record.path)
        if item is None:
            record.note = "script exhausted"
            return error(
                500,
                f"corral.testing: the script is exhausted: messages request #{number} arrived "
                "after every scripted reply was used; enqueue() another reply or set "
                "respond_with()",
                headers={"x-should-retry": "false"},
            )
        if isinstance(item, MessageReply | ErrorReply):
            return item
        try:
            reply = item(record)
        except Exception as exc:  # a failing responder is reported to the client, not hidden
            record.note = f"responder raised {exc!r}"
            return error(
                500,
                f"corral.testing: the responder {item!r} raised {exc!r}",
                headers={"x-should-retry": "false"},
            )
        if not isinstance(reply, MessageReply | ErrorReply):
            record.note = f"responder returned {reply!r}"
            return error(
                500,
                f"corral.testing: the responder {item!r} returned {reply!r}, not a reply",
                headers={"x-should-retry": "false"},
            )
        return reply
