"""Inside a session: the SDK stays unloaded without servers; /mcp approves and shows status."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from corral.api import App, Session
from corral.testing import MessagesServer, text
from corral_mcp.slash import run as slash_mcp

from .conftest import approve, stdio_entry, write_mcp_json

# corral.cli.main, not `python -m corral`: the process entry point exits at once after the
# result, so nothing could be printed after it.
PROBE = (
    "import sys; from corral.cli import main\n"
    "try: main(['-p', 'hi'])\n"
    "except SystemExit: pass\n"
    "sys.stderr.write('LOADED=%s MCP=%s\\n' % ('corral_mcp.plugin' in sys.modules, "
    "'mcp' in sys.modules))"
)


def test_no_server_configured_means_the_sdk_is_never_imported(
    anthropic_server: MessagesServer, project: Path
) -> None:
    anthropic_server.enqueue(text("hi"))
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=project, env=dict(os.environ),
                         capture_output=True, text=True, timeout=120)
    assert "LOADED=True MCP=False" in out.stderr, out.stderr
    assert len(anthropic_server.message_requests) == 1


def test_slash_mcp_approves_a_project_server_and_starts_it(project: Path) -> None:
    write_mcp_json(project, {"demo": stdio_entry()})

    async def main() -> tuple[str, str, str, list[str]]:
        app = App.create(cwd=project)
        session = Session(app)
        await session.start()
        try:
            before = await slash_mcp(session, "")
            approved = await slash_mcp(session, "approve demo")
            tools = [n for n in session.tools if n.startswith("mcp__")]
            denied = await slash_mcp(session, "deny demo")
            return before, approved, denied, tools
        finally:
            await session.end()

    before, approved, denied, tools = asyncio.run(main())
    assert before.startswith("demo  needs-approval  stdio  project")
    assert "approved 'demo'" in approved and "'demo': connected" in approved
    assert "mcp__demo__add" in tools
    assert "refused 'demo'" in denied
    local = (project / ".claude" / "settings.local.json").read_text()
    assert '"disabledMcpjsonServers": [\n    "demo"\n  ]' in local


def test_server_prompts_become_slash_commands_that_send_a_prompt(project: Path) -> None:
    from corral.api import SendPrompt

    write_mcp_json(project, {"demo": stdio_entry()})
    (project / ".claude").mkdir()
    (project / ".claude" / "settings.local.json").write_text('{"enabledMcpjsonServers": ["demo"]}')

    async def main() -> tuple[object, object]:
        app = App.create(cwd=project)
        session = Session(app)
        await session.start()
        try:
            from corral_mcp import runtime

            manager = runtime.manager_of(app)
            assert manager is not None
            await manager.wait_started(60)
            commands = {c.name: c for _, c in app.host.register_commands(session)}
            review = commands["mcp__demo__review"]
            assert review.argument_hint == "<topic>"
            sent = await review.run(session, "the parser")
            missing = await review.run(session, "")
            return sent, missing
        finally:
            await session.end()

    sent, missing = asyncio.run(main())
    assert sent == SendPrompt("Please review the parser carefully.")
    assert isinstance(missing, str) and "missing argument(s) topic" in missing


def test_with_no_wait_the_first_request_goes_out_at_once_and_servers_join_later(
    project: Path,
) -> None:
    """The default: the first request does not wait; the server's tools join on the next
    request, and the user is told both times."""
    from corral.api import Notice

    config = Path(os.environ["CORRAL_HOME"]) / "config" / "config.toml"
    config.write_text("[plugins.mcp]\nfirst_request_wait_s = 0\n", encoding="utf-8")
    write_mcp_json(project, {"demo": stdio_entry()})
    approve(project, "demo")

    async def main() -> tuple[list[str], list[str], list[str]]:
        app = App.create(cwd=project)
        session = Session(app)
        notices: list[str] = []
        session.listeners.append(
            lambda e: notices.append(e.text) if isinstance(e, Notice) else None)
        await session.start()
        try:
            from corral_mcp import runtime

            await session.hooks.prepare_request(session)
            first = [n for n in session.tools if n.startswith("mcp__")]
            manager = runtime.manager_of(app)
            assert manager is not None
            await manager.wait_started(60)
            await session.hooks.prepare_request(session)
            second = [n for n in session.tools if n.startswith("mcp__")]
            return first, second, notices
        finally:
            await session.end()

    first, second, notices = asyncio.run(main())
    assert first == []
    assert "mcp__demo__add" in second
    assert any("'demo' still starting; their tools join from the next request" in n
               for n in notices), notices
    assert any(n.startswith("mcp: server 'demo' connected: ") for n in notices), notices


def test_stdio_servers_get_the_settings_env_under_their_own(project: Path) -> None:
    """The ``env`` of the settings (corral's ``[env]``, Claude Code's ``env`` key) reaches stdio
    servers; a server's own ``env`` entry wins over it."""
    import json

    config = Path(os.environ["CORRAL_HOME"]) / "config" / "config.toml"
    config.write_text(config.read_text() + '[env]\nFROM_CORRAL = "corral"\nBOTH = "settings"\n',
                      encoding="utf-8")
    (project / ".claude").mkdir()
    (project / ".claude" / "settings.json").write_text(
        json.dumps({"env": {"FROM_CLAUDE": "claude"}}), encoding="utf-8")
    write_mcp_json(project, {"demo": stdio_entry(BOTH="server")})
    approve(project, "demo")

    async def main() -> list[str]:
        app = App.create(cwd=project)
        session = Session(app)
        await session.start()
        try:
            await session.hooks.prepare_request(session)
            tool = session.tools["mcp__demo__getenv"]
            out = []
            for name in ("FROM_CORRAL", "FROM_CLAUDE", "BOTH"):
                result = await tool.run(session, {"name": name})
                out.append(str(result.content))
            return out
        finally:
            await session.end()

    assert asyncio.run(main()) == ["FROM_CORRAL=corral", "FROM_CLAUDE=claude", "BOTH=server"]
