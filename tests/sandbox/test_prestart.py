"""The next sandboxed command's sandbox is started ahead, inside a started session's loop,
and used only when it is exactly the sandbox the command would get now."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import msgspec
import pytest

pytestmark = pytest.mark.usefixtures("bwrap_works")


async def _run(session: Any, command: str, **params: Any) -> Any:
    from corral.tools.builtin import Bash

    return await Bash().run(session, msgspec.convert({"command": command, **params},
                                                     Bash.input_type))


def _in_session(session: Any, body: Any) -> Any:
    async def go() -> Any:
        await session.start()
        try:
            return await body()
        finally:
            await session.end()

    return asyncio.run(go())


def test_a_second_command_runs_in_the_sandbox_started_ahead(make_session: Any) -> None:
    session = make_session()

    async def body() -> list[Any]:
        first = await _run(session, "echo one; echo $SHLVL")
        second = await _run(session, "echo two; echo $SHLVL; pwd")
        third = await _run(session, "exit 3")
        return [first, second, third]

    first, second, third = _in_session(session, body)
    assert first.meta["sandboxed"] and not first.meta["prestarted"]
    assert second.meta["prestarted"] and third.meta["prestarted"]
    one, two = first.content.splitlines(), second.content.splitlines()
    assert one[0] == "one" and two[0] == "two"
    assert one[1] == two[1], "the command's shell level differs in a sandbox started ahead"
    assert two[2] == str(session.cwd)
    assert third.meta["exit_code"] == 3


def test_a_changed_environment_or_directory_starts_a_fresh_sandbox(make_session: Any,
                                                                    project: Path) -> None:
    from corral.sandbox.runtime import add_shell_env

    session = make_session()
    sub = project / "sub"
    sub.mkdir()

    async def body() -> list[Any]:
        results = [await _run(session, "true")]
        add_shell_env(session, {"PRESTART_PROBE": "seen"})
        results.append(await _run(session, "echo $PRESTART_PROBE"))
        session.cwd = sub
        results.append(await _run(session, "pwd"))
        results.append(await _run(session, "pwd"))
        return results

    _, env_changed, moved, again = _in_session(session, body)
    assert not env_changed.meta["prestarted"] and env_changed.content.startswith("seen")
    assert not moved.meta["prestarted"] and moved.content.startswith(str(sub))
    assert again.meta["prestarted"] and again.content.startswith(str(sub))


def test_a_timeout_still_kills_what_a_command_in_a_sandbox_started_ahead_left(
        make_session: Any, project: Path) -> None:
    session = make_session()
    marker = project / "escaped-alive"

    async def body() -> Any:
        await _run(session, "true")
        return await _run(
            session, f"setsid sh -c 'sleep 2; touch {marker}' & sleep 30", timeout=700)

    result = _in_session(session, body)
    assert result.meta["prestarted"] and result.meta["timed_out"]
    import time

    time.sleep(2.5)
    assert not marker.exists(), "a process the command started outlived its sandbox"


def test_without_a_started_session_nothing_waits(make_session: Any) -> None:
    from corral.tools.builtin import _prestart

    session = make_session()
    result = asyncio.run(_run(session, "true"))
    assert result.meta["sandboxed"]
    assert session.stash.get(_prestart._WAITING) is None


def test_the_sessions_end_lets_the_waiting_shell_go(make_session: Any) -> None:
    from corral.tools.builtin import _prestart

    session = make_session()
    seen: dict[str, int] = {}

    async def body() -> None:
        await _run(session, "true")
        waiting = session.stash.get(_prestart._WAITING)
        assert waiting is not None
        seen["pid"] = waiting.proc.pid

    _in_session(session, body)
    assert session.stash.get(_prestart._WAITING) is None
    with pytest.raises(ProcessLookupError):
        os.kill(seen["pid"], 0)
