"""The hooks, through a real corral App and Session with only this plugin loaded."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from corral import events
from corral.api import ConfigError, Session, UsageError
from corral_buddy.bones import roll
from corral_buddy.keys import STATE
from corral_buddy.mood import BuddyState
from corral_buddy.settings import Settings
from rich.console import Console

MakeSession = Callable[..., Session]


def _status_lines(session: Session) -> list[str] | None:
    results = session.hooks.status(session)
    if not results:  # the kernel drops a None result
        return None
    assert [name for name, _ in results] == ["buddy"]
    view = results[0][1]
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=True, color_system=None).print(view)
    return out.getvalue().rstrip("\n").split("\n")


def test_settings_are_registered_and_validated(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "alice"\nquip_chance = 1.0\n')
    settings = session.config.plugin_settings("buddy")
    assert settings == Settings(user_id="alice", quip_chance=1.0)
    with pytest.raises(ConfigError) as info:
        make_session("[plugins.buddy]\nquip_chance = 2.0\n")
    assert "quip_chance" in str(info.value)


def test_status_shows_the_configured_pet(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "alice"\n')
    lines = _status_lines(session)
    assert lines is not None and len(lines) == 5
    assert "Bixbo ★☆☆☆☆" in lines[0]
    assert "×" in "".join(lines)  # alice's pet has × eyes
    assert isinstance(session.stash[STATE], BuddyState)


def test_events_through_the_kernel_move_the_mood(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "alice"\nquip_chance = 1.0\n')
    asyncio.run(
        session.emit(
            events.ToolFinished(tool_use_id="a", name="Bash", is_error=True, duration_ms=3)
        )  # fmt: skip
    )
    lines = _status_lines(session)
    assert lines is not None
    assert ";_;  worried" in lines[1]
    quip = session.stash[STATE].quip
    assert quip and f"< {quip}" in lines[3]  # a quip in its bubble


def test_headless_sessions_never_quip(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "alice"\nquip_chance = 1.0\n',
                           headless=True)  # fmt: skip
    asyncio.run(
        session.emit(
            events.PermissionDecided(
                tool_use_id="a", name="Bash", decision="deny", tier="rules", reason="no"
            )
        )  # fmt: skip
    )
    lines = _status_lines(session)
    assert lines is not None and "one eyebrow up" in lines[1]
    assert all(line[13:].strip() == "" for line in lines[2:])  # no bubble beside the pet
    assert session.stash[STATE].quip is None


def _slash(session: Session) -> Callable[[str], str | None]:
    commands = dict(session.hooks.register_commands())
    command = commands["buddy"]
    assert command.name == "buddy"

    def run(args: str) -> str | None:
        result = command.run(session, args)
        assert result is None or isinstance(result, str)
        return result

    return run


def test_slash_buddy_shows_the_card(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "golden-37"\n')
    card = _slash(session)("")
    assert card is not None
    assert "★★★★★  legendary cactus" in card and "CHAOS" in card and "100" in card


def test_slash_pet_off_on_and_rename(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "alice"\n')
    buddy = _slash(session)
    assert buddy("pet") == "♥ ♥ ♥  Bixbo leans into it."
    lines = _status_lines(session)
    assert lines is not None and "♥ ♥ ♥" in lines[1]
    assert "/buddy on" in (buddy("off") or "")
    assert _status_lines(session) is None
    buddy("on")
    assert _status_lines(session) is not None
    assert buddy("rename Sir Hops") == "Bixbo is now called Sir Hops."
    lines = _status_lines(session)
    assert lines is not None and "Sir Hops" in lines[0]
    with pytest.raises(UsageError):
        buddy("dance")


def test_status_turns_sleepy_after_a_long_wait(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "alice"\nsleepy_after_s = 5\n')
    from corral_buddy.runtime import state_for

    state = state_for(session)
    state.last_activity = time.time() - 60
    lines = _status_lines(session)
    assert lines is not None and "z z Z" in lines[1]


def test_the_bones_are_rolled_not_read(make_session: MakeSession) -> None:
    session = make_session('[plugins.buddy]\nuser_id = "golden-348"\n')
    _status_lines(session)
    assert session.stash[STATE].profile.bones == roll("golden-348")


def test_unreadable_pet_shows_an_error_instead_of_crashing(
    make_session: MakeSession, buddy_root: Path
) -> None:
    buddy_root.mkdir(parents=True)
    (buddy_root / "user-id").write_text("\n")
    session = make_session()
    lines = _status_lines(session)
    assert lines is not None
    text = " ".join(lines)
    assert "user-id" in text and "/buddy off" in text
    _slash(session)("off")
    assert _status_lines(session) is None
