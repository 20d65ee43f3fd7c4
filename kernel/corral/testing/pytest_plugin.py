"""pytest fixtures for corral and for third-party plugin authors (entry point ``pytest11``).

Installed with corral, so any test suite in the same environment gets:

- ``anthropic_server``: a fresh :class:`~corral.testing.MessagesServer` per test, with
  ``ANTHROPIC_BASE_URL`` pointing at it and a dummy ``ANTHROPIC_API_KEY`` set (other credential
  variables removed) for the test's duration; stopped afterwards. If the server itself crashed
  while answering (for example on a scripted tool input that is not JSON-encodable), the test
  fails at teardown with the server's traceback.
- ``messages_api``: the same server under a second name, for tests that read better with it.
- ``openai_server``: a fresh :class:`~corral.testing.OpenAIServer` (the same script in the
  OpenAI format) with ``OPENAI_BASE_URL`` pointing at it and a dummy ``OPENAI_API_KEY`` set.
- ``corral_isolated``: HOME, ``CORRAL_HOME``, ``CLAUDE_CONFIG_DIR`` and ``CORRAL_MANAGED_DIR``
  moved into the test's tmp dir and corral's variables cleared, so the machine's own setup
  never leaks in (use it from an autouse fixture of your conftest).
- ``corral_project``: an empty project folder (with ``.claude/``) in the test's tmp dir, made
  the current directory.
- ``corral_app``: a real :class:`~corral.app.App` on ``corral_project`` (config layers read
  from the isolated home, plugins found through their entry points).
- ``corral_session``: a headless :class:`~corral.session.Session` of ``corral_app``.
- ``anthropic_client``: a synchronous ``anthropic.Anthropic`` bound to that server with
  ``max_retries=0`` and a 10 s timeout (the SDK is imported only when a test asks for it).

This module imports little: no anthropic SDK at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corral.testing._openai_server import OpenAIServer
from corral.testing._server import MessagesServer

#: The API key the fixtures put in the environment.
DUMMY_API_KEY = "sk-ant-corral-testing-0000"

#: The OpenAI-format key the ``openai_server`` fixture puts in the environment.
DUMMY_OPENAI_KEY = "sk-corral-testing-0000"

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
    _fail_on_server_errors(server)


@pytest.fixture
def openai_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    """A scripted OpenAI-format server on 127.0.0.1, fresh for this test.

    Script it like ``anthropic_server``; point the openai provider at it through
    ``OPENAI_BASE_URL`` (set here) or ``[api] base_url = openai_server.base_url``.
    """
    with OpenAIServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", DUMMY_OPENAI_KEY)
        yield server
    _fail_on_server_errors(server)


def _fail_on_server_errors(server: MessagesServer) -> None:
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


@pytest.fixture
def corral_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A private home for corral; returns the new HOME directory."""
    from corral.testing._isolation import isolate

    return isolate(monkeypatch, tmp_path_factory.mktemp("corral-env"))


@pytest.fixture
def corral_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder with ``.claude/``, as the current directory."""
    root = tmp_path / "project"
    (root / ".claude").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def corral_app(corral_project: Path) -> Any:
    """A real ``corral.app.App`` on ``corral_project``."""
    from corral.app import App

    return App.create(cwd=corral_project)


@pytest.fixture
def corral_session(corral_app: Any) -> Any:
    """A headless ``corral.session.Session`` of ``corral_app``."""
    from corral.session import Session

    return Session(corral_app, headless=True)


@pytest.fixture
def corral_no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run shell commands without the OS sandbox (``CORRAL_SANDBOX=0``), for tests of the
    permission prompt the sandbox would lift, or of host process ids a command prints (they
    mean nothing outside the sandbox's process namespace). Request it before the fixtures
    that build the app: ``@pytest.mark.usefixtures("corral_no_sandbox")``."""
    monkeypatch.setenv("CORRAL_SANDBOX", "0")
