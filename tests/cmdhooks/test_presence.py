"""A run whose configuration gives no ``hooks`` table skips the command-hook machinery; any
hooks table, from a settings file or from a plugin, keeps every hook firing as before."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from corral import hookimpl
from corral.app import App
from corral.cmdhooks import hook_table
from corral.cmdhooks.presence import ENV_DIR, configured
from corral.extra_config import HookSet
from corral.session import Session


class HookGiver:
    """A plugin that adds ``hooks`` (or nothing) and counts how often it was asked."""

    __name__ = "hook-giver"

    def __init__(self, hooks: dict[str, Any] | None) -> None:
        self.hooks = hooks
        self.asked = 0

    @hookimpl
    def corral_command_hooks(self, app: App) -> HookSet | None:
        self.asked += 1
        if self.hooks is None:
            return None
        return HookSet(hooks=self.hooks, source="giver hooks.json")


def make_session(project: Path, *plugins: HookGiver) -> Session:
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     extra_plugins={f"giver{i}": p for i, p in enumerate(plugins)})
    return Session(app, headless=True)


def write_settings(project: Path, data: dict[str, Any]) -> None:
    (project / ".claude" / "settings.json").write_text(json.dumps(data))


def marker_hook(path: Path) -> dict[str, Any]:
    return {"UserPromptSubmit": [{"hooks": [
        {"type": "command", "command": f"echo seen >> {path}"}]}]}


def test_no_hooks_anywhere_is_an_empty_table(project: Path) -> None:
    giver = HookGiver(None)
    session = make_session(project, giver)
    assert not configured(session)
    table = hook_table(session)
    assert (table.hooks, table.broken, table.unused) == ({}, [], [])
    assert giver.asked == 1  # asked once per loaded configuration, by both


@pytest.mark.parametrize(("hooks", "given"), [({}, False), ([], True), ("no", True),
                                               ({"Stop": []}, True)])
def test_any_hooks_value_the_table_reads_counts(project: Path, hooks: Any, given: bool) -> None:
    write_settings(project, {"hooks": hooks})
    session = make_session(project)
    assert configured(session) is given
    table = hook_table(session)
    if not given:
        assert (table.hooks, table.broken, table.unused) == ({}, [], [])


def test_a_malformed_hooks_table_still_makes_tool_calls_ask(project: Path) -> None:
    write_settings(project, {"hooks": []})
    session = make_session(project)
    from corral.tools import ToolCall

    verdicts = asyncio.run(session.hooks.before_tool(
        session, ToolCall(id="t1", name="Bash", input={"command": "ls"}), None))
    assert [v.decision for verdict in verdicts for _, v in verdict.votes] == ["ask"]


def test_hooks_from_settings_fire(project: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    write_settings(project, {"hooks": marker_hook(seen)})
    session = make_session(project)
    asyncio.run(session.hooks.user_prompt(session, "hi", "user"))
    assert seen.read_text() == "seen\n"


def test_hooks_from_a_plugin_alone_fire(project: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    giver = HookGiver(marker_hook(seen))
    session = make_session(project, giver)
    assert configured(session)
    asyncio.run(session.hooks.user_prompt(session, "hi", "user"))
    asyncio.run(session.hooks.user_prompt(session, "again", "user"))
    assert seen.read_text() == "seen\nseen\n"
    assert giver.asked == 1


def test_without_hooks_no_event_changes_anything(project: Path) -> None:
    from corral.tools import ToolCall, ToolResult

    session = make_session(project)
    call = ToolCall(id="t1", name="Bash", input={"command": "ls"})
    result = ToolResult(content="out")

    async def go() -> None:
        verdict = await session.hooks.user_prompt(session, "hi", "user")
        assert (verdict.blocked, verdict.context) == (False, [])
        assert await session.hooks.before_stop(session, "user", 0) is None
        assert await session.hooks.before_tool(session, call, None) == []
        assert await session.hooks.after_tool(session, call, result) is result

    asyncio.run(go())


def test_a_session_end_settles_what_earlier_hooks_left(project: Path, tmp_path: Path) -> None:
    """The configuration may have lost its hooks since they ran (it was read again): the
    session's ``CLAUDE_ENV_FILE`` folder still goes at its end."""
    folder = tmp_path / "corral-hook-env-x"
    folder.mkdir()
    (folder / "env.sh").write_text("export A=1\n")
    session = make_session(project)
    assert not configured(session)
    session.stash[ENV_DIR] = folder
    asyncio.run(session.hooks.session_end(session, "other"))
    assert not folder.exists()
    assert ENV_DIR not in session.stash
