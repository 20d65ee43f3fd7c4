"""The request handler of the OpenAI-format test server: routing and the two wire formats."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from corral.testing import _openai_render as render
from corral.testing._handler import Handler, _chunk
from corral.testing._record import RecordedRequest
from corral.testing._render import error_headers, json_bytes, message_object, sse_frame
from corral.testing.replies import ErrorReply, MessageReply, error

if TYPE_CHECKING:
    from corral.testing._openai_server import OpenAIServer

CHAT_PATH = "/v1/chat/completions"
RESPONSES_PATH = "/v1/responses"
MODELS_PATH = "/v1/models"

_STREAM_HEADERS = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "transfer-encoding": "chunked",
}


class OpenAIHandler(Handler):
    """Answers one connection's requests on behalf of an :class:`OpenAIServer`."""

    owner: OpenAIServer

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        record = RecordedRequest(
            method=self.command,
            path=path,
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            received_at=self._received_at,
        )
        self.owner._record(record)
        if self.command == "POST" and path in (CHAT_PATH, RESPONSES_PATH):
            problem = self.owner._refuse(record)
            if problem is not None:
                record.note = problem.message
                self._send_error(record, problem)
                return
            reply = self.owner._take_reply(record)
            record.reply = reply
            if isinstance(reply, ErrorReply):
                self._send_error(record, reply)
            elif path == CHAT_PATH:
                self._send_chat(record, reply)
            else:
                self._send_response(record, reply)
        elif self.command == "GET" and path == MODELS_PATH:
            models = [{"id": m, "object": "model", "owned_by": "corral-testing"}
                      for m in self.owner.models]
            self._send_json(record, 200, json_bytes({"object": "list", "data": models}), {})
        else:
            record.note = f"unknown route {self.command} {path}"
            reply = error(
                404,
                f"corral.testing serves POST {CHAT_PATH}, POST {RESPONSES_PATH} and "
                f"GET {MODELS_PATH}; got {self.command} {path}",
                type="invalid_request_error",
                code="unknown_url",
            )
            self._send_error(record, reply)

    def _send_error(self, record: RecordedRequest, reply: ErrorReply) -> None:
        self._wait(reply.first_byte_delay)
        body = json_bytes(render.error_object(reply))
        self._send_json(record, reply.status, body, error_headers(reply))

    def _send_chat(self, record: RecordedRequest, reply: MessageReply) -> None:
        self._wait(reply.first_byte_delay)
        message = message_object(reply, record.body, self.owner._new_id)
        field = self.owner.reasoning_field
        if not record.stream:
            body = json_bytes(render.chat_completion(message, field))
            self._send_json(record, 200, body, {}, cut_after=reply.cut_after_events)
            return
        options = record.body.get("stream_options") or {}
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        chunks = render.chat_chunks(
            message, reply.chunk_size, include_usage=include_usage, reasoning_field=field
        )
        frames = [render.data_frame(c) for c in chunks]
        if self.owner.send_done:
            frames.append(render.DONE_FRAME)
        self._stream(record, reply, frames, lambda e: render.data_frame(render.error_object(e)))

    def _send_response(self, record: RecordedRequest, reply: MessageReply) -> None:
        self._wait(reply.first_byte_delay)
        message = message_object(reply, record.body, self.owner._new_id)
        if not record.stream:
            body = json_bytes(render.response_object(message, self.owner._new_id))
            self._send_json(record, 200, body, {}, cut_after=reply.cut_after_events)
            return
        events = render.response_events(message, self.owner._new_id, reply.chunk_size)
        frames = [sse_frame(name, data) for name, data in events]

        def error_frame(e: ErrorReply) -> bytes:
            body = render.error_object(e)["error"]
            return sse_frame("error", {"type": "error", **body})

        self._stream(record, reply, frames, error_frame)

    def _stream(
        self,
        record: RecordedRequest,
        reply: MessageReply,
        frames: list[bytes],
        error_frame: Callable[[ErrorReply], bytes],
    ) -> None:
        self._start(record, 200, _STREAM_HEADERS)
        for number, frame in enumerate(frames):
            if number:
                self._wait(reply.event_delay)
            if number == reply.cut_after_events:
                record.replied_at = time.perf_counter()
                if reply.stream_error is None:
                    self._drop()
                self.wfile.write(_chunk(error_frame(reply.stream_error)) + b"0\r\n\r\n")
                return
            if number == len(frames) - 1:
                record.replied_at = time.perf_counter()
                self.wfile.write(_chunk(frame) + b"0\r\n\r\n")
            else:
                self.wfile.write(_chunk(frame))
