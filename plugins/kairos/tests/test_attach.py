"""``corral kairos attach``: typed lines go to the daemon as ``send``; events stream back."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from pathlib import Path

from corral.testing import MessagesServer, text
from corral_kairos.attach import Attach
from corral_kairos.bridge import TOKEN_FILE
from corral_kairos.daemon import Daemon

from .conftest import bounded, text_of

CONFIG = (
    "[features]\nkairos = true\n[api]\nmax_retries = 0\n"
    "[plugins.kairos]\ninterval_s = 600\npoll_s = 0.02\nwatch = false\nbridge_rate_per_s = 50\n"
)


def test_typed_lines_reach_the_model_and_the_reply_streams_back(
    anthropic_server: MessagesServer, project: Path
) -> None:
    (project / ".claude" / "corral.toml").write_text(CONFIG)
    anthropic_server.enqueue(text("the linter is clean"), text("3 TODOs left"))
    out = io.StringIO()

    async def scenario() -> int:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        try:
            client = Attach(daemon.state_dir, io.StringIO("run the linter\n\n  \ncount the TODOs\n"),
                            out, rate_per_s=50, interactive=False)
            # returns once the input has ended and both queued turns have ended
            return await bounded(client.run(), 20)
        finally:
            daemon.request_stop()
            await bounded(task)

    assert asyncio.run(scenario()) == 0
    prompts = [text_of(r.messages[-1]["content"]) for r in anthropic_server.message_requests]
    assert prompts == ["run the linter", "count the TODOs"]
    shown = out.getvalue()
    assert "[queued #0]" in shown and "[queued #1]" in shown
    assert shown.index("[bridge] run the linter") < shown.index("the linter is clean")
    assert shown.index("the linter is clean") < shown.index("[bridge] count the TODOs")
    assert shown.count("[turn ended: success]") == 2
    assert shown.rstrip().endswith("[turn ended: success]")


def test_attach_reports_a_refused_token(project: Path) -> None:
    (project / ".claude" / "corral.toml").write_text(CONFIG)
    out = io.StringIO()

    async def scenario() -> int:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        try:
            (daemon.state_dir / TOKEN_FILE).write_text("not-the-token")
            client = Attach(daemon.state_dir, io.StringIO("hello\n"), out, interactive=False)
            return await bounded(client.run())
        finally:
            daemon.request_stop()
            await bounded(task)

    assert asyncio.run(scenario()) == 1
    assert "[the daemon closed the connection: 1008 missing or wrong bridge token]" in out.getvalue()


def test_the_attach_command_as_a_subprocess_sends_piped_lines(
    anthropic_server: MessagesServer, project: Path
) -> None:
    (project / ".claude" / "corral.toml").write_text(CONFIG)
    anthropic_server.enqueue(text("hello from the daemon"))

    async def scenario() -> tuple[int | None, str, str]:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "corral", "kairos", "attach", cwd=project, env=dict(os.environ),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await bounded(proc.communicate(b"say hello\n"), 30)
            return proc.returncode, out.decode(), err.decode()
        finally:
            daemon.request_stop()
            await bounded(task)

    code, out, err = asyncio.run(scenario())
    assert code == 0, err
    assert "[bridge] say hello" in out and "hello from the daemon" in out
    assert "[turn ended: success]" in out
    assert text_of(anthropic_server.message_requests[0].messages[-1]["content"]) == "say hello"


def test_at_a_terminal_the_prompt_sends_lines_until_ctrl_d(
    anthropic_server: MessagesServer, project: Path
) -> None:
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    (project / ".claude" / "corral.toml").write_text(CONFIG)
    anthropic_server.enqueue(text("typed answer"))

    async def scenario() -> int:
        daemon = Daemon(project)
        task = asyncio.create_task(daemon.run())
        await bounded(daemon.started.wait())
        try:
            with create_pipe_input() as keys, create_app_session(input=keys,
                                                                 output=DummyOutput()):
                keys.send_text("what changed today?\r")
                keys.send_text("\x04")  # Ctrl-D on an empty line: the input ends
                client = Attach(daemon.state_dir, io.StringIO(), io.StringIO(),
                                interactive=True)
                return await bounded(client.run(), 20)
        finally:
            daemon.request_stop()
            await bounded(task)

    assert asyncio.run(scenario()) == 0
    requests = anthropic_server.message_requests
    assert [text_of(r.messages[-1]["content"]) for r in requests] == ["what changed today?"]
