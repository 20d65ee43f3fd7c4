"""Fixtures shared by the tests of corral.testing: SDK clients bound to the test's server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

try:
    import anthropic
except ImportError:  # the kernel alone, without the corral[sdk] extra
    anthropic = None  # type: ignore[assignment]
from corral.testing import MessagesServer

#: Seconds any client in these tests waits for a reply before giving up.
TIMEOUT = 10.0


class SDK:
    """Makes real anthropic clients pointed at one test server (no retries unless asked)."""

    #: A minimal valid messages request.
    request: dict[str, Any] = {
        "model": "claude-test-model",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "hello"}],
    }

    def __init__(self, server: MessagesServer) -> None:
        self.server = server
        self._opened: list[anthropic.Anthropic] = []

    def client(self, *, max_retries: int = 0, timeout: float = TIMEOUT) -> anthropic.Anthropic:
        client = anthropic.Anthropic(
            base_url=self.server.base_url,
            api_key="test-key",
            max_retries=max_retries,
            timeout=timeout,
        )
        self._opened.append(client)
        return client

    def async_client(
        self, *, max_retries: int = 0, timeout: float = TIMEOUT
    ) -> anthropic.AsyncAnthropic:
        """An async client; use it as ``async with`` inside the event loop that runs it."""
        return anthropic.AsyncAnthropic(
            base_url=self.server.base_url,
            api_key="test-key",
            max_retries=max_retries,
            timeout=timeout,
        )

    def close(self) -> None:
        for client in self._opened:
            client.close()


@pytest.fixture
def sdk(anthropic_server: MessagesServer) -> Iterator[SDK]:
    if anthropic is None:
        pytest.skip("the anthropic SDK is not installed (pip install corral[sdk])")
    helper = SDK(anthropic_server)
    try:
        yield helper
    finally:
        helper.close()
