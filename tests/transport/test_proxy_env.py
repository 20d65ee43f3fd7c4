"""A proxy named in the environment sends the kernel's requests through httpx (which speaks to
proxies); ``NO_PROXY`` keeps an endpoint on the default wire."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from corral.testing import ForwardProxy, MessagesServer, text
from corral.transport.client import MessagesClient
from corral.transport.proxyenv import proxy_for

REQUEST = {"model": "claude-haiku-4-5", "max_tokens": 50,
           "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.parametrize(("url", "env", "expected"), [
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1"}, "http://p:1"),
    ("https://api.example.com", {"HTTP_PROXY": "http://p:1"}, None),
    ("http://api.example.com", {"HTTP_PROXY": "http://p:1"}, "http://p:1"),
    ("http://api.example.com", {"https_proxy": "http://p:1"}, None),
    ("https://api.example.com", {"https_proxy": "http://low:1", "HTTPS_PROXY": "http://up:1"},
     "http://low:1"),
    ("https://api.example.com", {"ALL_PROXY": "socks5://s:1"}, "socks5://s:1"),
    ("https://api.example.com", {"all_proxy": "socks5://s:1", "HTTPS_PROXY": "http://p:1"},
     "http://p:1"),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "example.com"}, None),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "no_proxy": ".example.com"}, None),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*.example.com"}, None),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "ample.com"},
     "http://p:1"),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "other, *"}, None),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "api.example.com:443"},
     None),
    ("https://api.example.com", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "api.example.com:8443"},
     "http://p:1"),
    ("http://10.1.2.3:8080", {"HTTP_PROXY": "http://p:1", "NO_PROXY": "10.0.0.0/8"}, None),
    ("http://11.1.2.3:8080", {"HTTP_PROXY": "http://p:1", "NO_PROXY": "10.0.0.0/8"},
     "http://p:1"),
    ("http://[::1]:8080", {"HTTP_PROXY": "http://p:1", "NO_PROXY": "::1"}, None),
    ("http://127.0.0.1:8080", {"HTTP_PROXY": "http://p:1", "NO_PROXY": "localhost"},
     "http://p:1"),
    ("https://api.example.com", {}, None),
])
def test_which_proxy_applies(url: str, env: dict[str, str], expected: str | None) -> None:
    assert proxy_for(url, env) == expected


def ask(server: MessagesServer) -> str:
    client = MessagesClient(base_url=server.base_url, api_key="k")

    async def go() -> str:
        try:
            reply = await client.create(REQUEST)
            return reply.content[0].text  # type: ignore[union-attr]
        finally:
            await client.close()

    return asyncio.run(go())


def test_a_proxy_in_the_environment_carries_the_requests(
        anthropic_server: MessagesServer, monkeypatch: pytest.MonkeyPatch) -> None:
    anthropic_server.enqueue(text("via proxy"))
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        assert ask(anthropic_server) == "via proxy"
    assert proxy.targets == [f"127.0.0.1:{anthropic_server.port}"]


def test_no_proxy_keeps_the_endpoint_direct(anthropic_server: MessagesServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    anthropic_server.enqueue(text("direct"))
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "example.org,127.0.0.1")
        assert ask(anthropic_server) == "direct"
    assert proxy.targets == [] and len(anthropic_server.requests) == 1


def run_headless(project: Path, env: dict[str, str]) -> list[str]:
    """``corral -p hi`` with ``-X importtime``; the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "corral", "-p", "hi"],
        cwd=project, env={**os.environ, "CORRAL_LOAD_PLUGINS": "", **env},
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:")]


def test_the_command_line_goes_through_the_proxy_and_only_then_loads_httpx(
        anthropic_server: MessagesServer, project: Path) -> None:
    anthropic_server.enqueue(text("one"), text("two"))
    with ForwardProxy() as proxy:
        proxied = run_headless(project, {"HTTP_PROXY": proxy.url})
        direct = run_headless(project, {"HTTP_PROXY": proxy.url, "no_proxy": "127.0.0.1"})
    assert proxy.targets == [f"127.0.0.1:{anthropic_server.port}"]
    assert "httpx" in proxied and "h11_wire" not in " ".join(proxied)
    assert "httpx" not in direct and "corral.transport.h11_wire" in direct
    assert len(anthropic_server.message_requests) == 2
