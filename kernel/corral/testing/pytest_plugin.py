"""pytest fixtures for corral and for third-party plugin authors (entry point ``pytest11``).

Installed with corral, so any test suite in the same environment gets:

- ``anthropic_server``: a fresh :class:`~corral.testing.MessagesServer` per test, with
  ``ANTHROPIC_BASE_URL`` pointing at it and a dummy ``ANTHROPIC_API_KEY`` set (other credential
  variables removed) for the test's duration; stopped afterwards. If the server itself crashed
  while answering (for example on a scripted tool input that is not JSON-encodable), the test
  fails at teardown with the server's traceback.
- ``messages_api``: the same server under a second name, for tests that read better with it.
- ``anthropic_client``: a synchronous ``anthropic.Anthropic`` bound to that server with
  ``max_retries=0`` and a 10 s timeout (the SDK is imported only when a test asks for it).

This module imports little: no anthropic SDK at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from corral.testing._server import MessagesServer

#: The API key the fixtures put in the environment.
DUMMY_API_KEY = "sk-ant-corral-testing-0000"

#: Environment variables that could point the SDK elsewhere or at real credentials.
_CLEARED = (
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_PROFILE",
    "ANTHROPIC_CUSTOM_HEADERS",
    "ANTHROPIC_FEDERATION_RULE_ID",
    "ANTHROPIC_IDENTITY_TOKEN_FILE",
    "ANTHROPIC_IDENTITY_TOKEN",
    "ANTHROPIC_CONFIG_DIR",
)


@pytest.fixture
def anthropic_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MessagesServer]:
    """A scripted Messages-API server on 127.0.0.1, fresh for this test.

    Script it with ``anthropic_server.enqueue(text("hi"), ...)`` and read
    ``anthropic_server.requests`` afterwards.
    """
    with MessagesServer() as server:
        for name in _CLEARED:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", DUMMY_API_KEY)
        yield server
    if server.failures:
        pytest.fail(
            "corral.testing: the test server itself failed while serving this test:\n"
            + "\n".join(server.failures),
            pytrace=False,
        )


@pytest.fixture
def messages_api(anthropic_server: MessagesServer) -> MessagesServer:
    """The ``anthropic_server`` of this test, under another name."""
    return anthropic_server


@pytest.fixture
def anthropic_client(anthropic_server: MessagesServer) -> Iterator[Any]:
    """An ``anthropic.Anthropic`` client on this test's server (``max_retries=0``, 10 s timeout)."""
    import anthropic

    client = anthropic.Anthropic(
        base_url=anthropic_server.base_url, api_key=DUMMY_API_KEY, max_retries=0, timeout=10.0
    )
    try:
        yield client
    finally:
        client.close()
