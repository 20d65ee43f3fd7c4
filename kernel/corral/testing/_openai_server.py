"""The scripted OpenAI-format server: Chat Completions and Responses from the same script."""

from __future__ import annotations

from corral.testing._openai_handler import CHAT_PATH, RESPONSES_PATH, OpenAIHandler
from corral.testing._record import RecordedRequest
from corral.testing._server import MessagesServer, Responder, Scripted
from corral.testing.replies import ErrorReply, error


class OpenAIServer(MessagesServer):
    """A real HTTP server on 127.0.0.1 that answers like an OpenAI-compatible endpoint.

    It takes the same script as :class:`~corral.testing.MessagesServer` (``text()``,
    ``tool_use()``, ``message(...)``, ``error()``, cuts and delays) and answers
    ``POST /v1/chat/completions`` (streamed as ``data:`` chunks ending in ``[DONE]``, or one
    JSON object) and ``POST /v1/responses``. Thinking blocks are sent as reasoning text, tool
    calls as a head followed by argument fragments of ``chunk_size`` characters; usage comes
    in a last chunk when the request set ``stream_options.include_usage``.

    Args:
        *replies: The initial script.
        responder: Answers requests once the queue is empty.
        api_key: When set, a request whose bearer token differs gets a 401.
        validate: Refuse (400) a request lacking ``model`` or ``messages`` (``input`` for
            Responses) before any scripted reply is used.
        tools_supported: ``False`` answers every request that offers tools with a 400 saying
            the model does not support tools, as servers without tool calling do.
        reasoning_field: The delta field reasoning text is sent in (``reasoning_content`` or
            ``reasoning``, depending on the server imitated).
        send_done: End a stream with ``data: [DONE]``.
        models: What ``GET /v1/models`` lists.
    """

    _handler = OpenAIHandler

    def __init__(
        self,
        *replies: Scripted,
        responder: Responder | None = None,
        api_key: str | None = None,
        validate: bool = True,
        tools_supported: bool = True,
        reasoning_field: str = "reasoning_content",
        send_done: bool = True,
        models: tuple[str, ...] = ("corral-test-model",),
    ) -> None:
        super().__init__(*replies, responder=responder, api_key=api_key, validate=validate)
        self.tools_supported = tools_supported
        self.reasoning_field = reasoning_field
        self.send_done = send_done
        self.models = models

    def __enter__(self) -> OpenAIServer:
        self.start()
        return self

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: what ``OPENAI_BASE_URL`` or ``[api] base_url`` takes."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The ``POST /v1/chat/completions`` requests only."""
        return [r for r in self.requests if r.path == CHAT_PATH and r.method == "POST"]

    @property
    def response_requests(self) -> list[RecordedRequest]:
        """The ``POST /v1/responses`` requests only."""
        return [r for r in self.requests if r.path == RESPONSES_PATH and r.method == "POST"]

    @property
    def message_requests(self) -> list[RecordedRequest]:
        """The model requests of either API, in arrival order."""
        return [
            r for r in self.requests if r.path in (CHAT_PATH, RESPONSES_PATH) and r.method == "POST"
        ]

    def _refuse(self, record: RecordedRequest, *, counting: bool = False) -> ErrorReply | None:
        if self._api_key is not None and record.api_key != self._api_key:
            return error(
                401,
                "Incorrect API key provided (corral.testing expected another key)",
                type="invalid_request_error",
                code="invalid_api_key",
            )
        body = record.body
        if self._validate:
            if not isinstance(body, dict):
                return error(400, "the request body must be a JSON object")
            list_key = "input" if record.path == RESPONSES_PATH else "messages"
            for key in ("model", list_key):
                if key not in body:
                    return error(400, f"Missing required parameter: '{key}'.", code="missing_required_parameter")
        if not self.tools_supported and isinstance(body, dict) and body.get("tools"):
            return error(400, f"{body.get('model')} does not support tools")
        return None
