"""The pytest plugin: registered through ``pytest11``, light to import, fixtures wired to env."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from corral.testing import MessagesServer, text
from corral.testing.pytest_plugin import DUMMY_API_KEY


def test_registered_as_a_pytest11_entry_point(request: pytest.FixtureRequest) -> None:
    points = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert points.get("corral") == "corral.testing.pytest_plugin"
    plugin = request.config.pluginmanager.get_plugin("corral")
    assert plugin is not None and plugin.__name__ == "corral.testing.pytest_plugin"


def test_importing_the_plugin_does_not_import_the_sdk() -> None:
    code = (
        "import sys, corral.testing.pytest_plugin, corral.testing; "
        "print(sorted(m for m in ('anthropic', 'httpx', 'httpx2') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_fixture_points_the_environment_at_the_server(anthropic_server: MessagesServer) -> None:
    anthropic = pytest.importorskip("anthropic", reason="the anthropic SDK is not installed")
    assert os.environ["ANTHROPIC_BASE_URL"] == anthropic_server.base_url
    assert os.environ["ANTHROPIC_API_KEY"] == DUMMY_API_KEY
    assert "ANTHROPIC_AUTH_TOKEN" not in os.environ
    anthropic_server.enqueue(text("from the environment"))
    with anthropic.Anthropic(max_retries=0, timeout=10) as client:  # configured by env only
        reply = client.messages.create(
            model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
        )
    assert [block.model_dump().get("text") for block in reply.content] == ["from the environment"]
    assert anthropic_server.last_request.api_key == DUMMY_API_KEY


def test_messages_api_is_the_same_server(
    anthropic_server: MessagesServer, messages_api: MessagesServer
) -> None:
    assert messages_api is anthropic_server and messages_api.running


def test_anthropic_client_fixture(anthropic_server: MessagesServer, anthropic_client: Any) -> None:
    anthropic_server.enqueue(text("fixture client"))
    reply = anthropic_client.messages.create(
        model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.content[0].text == "fixture client"
    assert anthropic_client.max_retries == 0


_SEEN: list[MessagesServer] = []


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_a_fresh_server(anthropic_server: MessagesServer, round_: int) -> None:
    """Run twice: the second run sees the first run's server stopped."""
    assert anthropic_server.requests == [] and anthropic_server.pending == 0
    assert all(not old.running for old in _SEEN)  # the previous test's server was stopped
    assert all(old is not anthropic_server for old in _SEEN)
    _SEEN.append(anthropic_server)


OUTSIDE_TEST = """
import urllib.error, urllib.request

import pytest

from corral.testing import tool_use


def test_uses_the_fixture_from_the_entry_point(anthropic_server):
    anthropic_server.enqueue(tool_use("T", {"not json": object()}))
    request = urllib.request.Request(
        anthropic_server.base_url + "/v1/messages",
        data=b'{"model": "m", "max_tokens": 1, "messages": []}',
    )
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(request, timeout=10)
"""


def test_a_server_crash_fails_the_test_in_another_project(tmp_path: Path) -> None:
    (tmp_path / "test_outside.py").write_text(textwrap.dedent(OUTSIDE_TEST))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert "1 passed, 1 error" in done.stdout, done.stdout
    assert "the test server itself failed" in done.stdout
    assert "TypeError" in done.stdout


def test_corral_isolated_moves_every_user_dir(corral_isolated, monkeypatch) -> None:
    import os

    from corral import paths

    home = corral_isolated
    assert os.environ["HOME"] == str(home)
    assert str(paths.user_config_dir()).startswith(os.environ["CORRAL_HOME"])
    assert str(paths.claude_user_dir()).startswith(str(home))
    assert "ANTHROPIC_API_KEY" not in os.environ
