"""The record the test server keeps of every request it received."""

from __future__ import annotations

from typing import Any

import msgspec

from corral.testing.replies import Reply


class RecordedRequest(msgspec.Struct, kw_only=True):
    """One request as the server saw it, and what it answered.

    Times are :func:`time.perf_counter` readings of the server's process, so they compare with
    ``time.perf_counter()`` in a test or benchmark running in the same process.

    Attributes:
        method: ``"POST"``, ``"GET"``, ...
        path: The request path without the query string, e.g. ``"/v1/messages"``.
        query: The query string (``""`` when there is none).
        headers: Header names lower-cased; a repeated header keeps its last value.
        body: The parsed JSON body; ``None`` when it was empty or not JSON.
        received_at: When the first byte of the request arrived.
        replied_at: Just before the last byte of the reply was written to the socket (for a
            cut stream: before the connection was closed); ``None`` while the reply is going out.
        status: The HTTP status answered; ``None`` until the status line was sent.
        reply: The scripted reply that answered it (``None`` for count_tokens, validation
            errors and unknown paths).
        note: Why the server answered on its own, e.g. ``"script exhausted"``.
        connection: Which connection carried it: 1 for the first the server accepted, 2 for
            the next, ... (requests on one keep-alive connection share the number).
        client_port: The client's port of that connection.
    """

    method: str
    path: str
    query: str = ""
    headers: dict[str, str]
    body: Any = None
    received_at: float
    replied_at: float | None = None
    status: int | None = None
    reply: Reply | None = None
    note: str | None = None
    connection: int = 0
    client_port: int = 0

    @property
    def stream(self) -> bool:
        """Whether the request asked for a streamed reply."""
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def model(self) -> str | None:
        """The requested model, if any."""
        model = self.body.get("model") if isinstance(self.body, dict) else None
        return model if isinstance(model, str) else None

    @property
    def messages(self) -> list[Any]:
        """The request's ``messages`` list (empty when absent)."""
        messages = self.body.get("messages") if isinstance(self.body, dict) else None
        return messages if isinstance(messages, list) else []

    @property
    def system(self) -> Any:
        """The request's ``system`` prompt (a string, a list of blocks, or ``None``)."""
        return self.body.get("system") if isinstance(self.body, dict) else None

    @property
    def tools(self) -> list[Any]:
        """The request's ``tools`` list (empty when absent)."""
        tools = self.body.get("tools") if isinstance(self.body, dict) else None
        return tools if isinstance(tools, list) else []

    @property
    def api_key(self) -> str | None:
        """The credential sent: the ``x-api-key`` header, else the ``Authorization`` bearer token."""
        key = self.headers.get("x-api-key")
        if key is not None:
            return key
        authorization = self.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        return token if scheme.lower() == "bearer" and token else None

    def header(self, name: str, default: str | None = None) -> str | None:
        """A header's value by case-insensitive name."""
        return self.headers.get(name.lower(), default)
