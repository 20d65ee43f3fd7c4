"""Moods from events and time; quips and their limits."""

from __future__ import annotations

import random

import pytest
from corral import events
from corral_buddy.mood import (
    PETTED_S,
    REACTION_S,
    BuddyState,
    is_passing_test_run,
    mood_at,
    observe,
    pet,
)
from corral_buddy.quips import QUIPS, current_quip, offer_quip
from corral_buddy.settings import Settings

T0 = 1_000_000.0


def _state() -> BuddyState:
    return BuddyState(last_activity=T0, rng=random.Random(3))


def _bash(state: BuddyState, command: str, *, summary: str, error: bool = False,
          meta: dict[str, object] | None = None, now: float = T0) -> str | None:  # fmt: skip
    observe(state, events.ToolRequested(tool_use_id="t1", name="Bash",
                                        input={"command": command}), now)  # fmt: skip
    finished = events.ToolFinished(
        tool_use_id="t1", name="Bash", is_error=error, duration_ms=5.0,
        summary=summary, meta=meta or {},
    )  # fmt: skip
    return observe(state, finished, now)


def test_tool_error_worries_then_fades() -> None:
    state = _state()
    finished = events.ToolFinished(tool_use_id="x", name="Read", is_error=True, duration_ms=1)
    assert observe(state, finished, T0) == "worried"
    assert mood_at(state, T0 + 1, 90) == "worried"
    assert mood_at(state, T0 + REACTION_S + 0.1, 90) == "idle"


def test_permission_denial_raises_an_eyebrow() -> None:
    state = _state()
    deny = events.PermissionDecided(
        tool_use_id="x", name="Bash", decision="deny", tier="rules", reason="deny rule"
    )
    allow = events.PermissionDecided(
        tool_use_id="y", name="Bash", decision="allow", tier="mode", reason="ok"
    )
    assert observe(state, allow, T0) is None
    assert observe(state, deny, T0) == "eyebrow"
    assert mood_at(state, T0 + 2, 90) == "eyebrow"


def test_a_denied_calls_error_result_keeps_the_eyebrow() -> None:
    state = _state()
    deny = events.PermissionDecided(
        tool_use_id="d", name="Write", decision="deny", tier="mode", reason="plan mode"
    )
    observe(state, deny, T0)
    failed = events.ToolFinished(tool_use_id="d", name="Write", is_error=True, duration_ms=0)
    assert observe(state, failed, T0) is None
    assert mood_at(state, T0 + 1, 90) == "eyebrow" and state.denied == {}


def test_passing_pytest_run_celebrates() -> None:
    state = _state()
    summary = "........\n======= 8 passed in 0.12s ======="
    assert _bash(state, "python -m pytest tests -q", summary=summary) == "celebrating"
    assert mood_at(state, T0 + 1, 90) == "celebrating"
    assert state.bash_commands == {}


@pytest.mark.parametrize(
    ("command", "summary", "meta", "error"),
    [
        ("pytest", "=== 1 failed, 7 passed in 0.2s ===", {}, False),  # a failure
        ("pytest", "=== 8 passed in 0.2s ===", {}, True),  # the call was an error
        ("pytest", "=== 8 passed in 0.2s ===", {"exit_code": 1}, False),  # non-zero exit
        ("echo '8 passed'", "8 passed", {}, False),  # not a test runner
        ("pytest", "collected 0 items\n=== no tests ran in 0.01s ===", {}, False),
        ("npm test", "Tests:       2 failed, 10 passed, 12 total", {}, False),
        ("pytest", "", {}, False),  # no summary to go on
        ("pytest", "=== 3 passed, 1 error in 0.3s ===", {}, False),
    ],
)
def test_doubtful_runs_do_not_celebrate(
    command: str, summary: str, meta: dict[str, object], error: bool
) -> None:
    state = _state()
    assert _bash(state, command, summary=summary, meta=meta, error=error) != "celebrating"


@pytest.mark.parametrize(
    ("command", "summary"),
    [
        ("npm test", "Tests:       12 passed, 12 total"),
        ("npx vitest run", "Tests:  4 passed (4)"),
        ("cargo test", "test result: ok. 9 passed; 0 failed; 0 ignored"),
        ("cd web && yarn test", "  14 passing (2s)"),
        ("tox -e py311", "==== 30 passed, 1 xfailed in 3.1s ===="),
    ],
)
def test_other_passing_runners_celebrate(command: str, summary: str) -> None:
    finished = events.ToolFinished(
        tool_use_id="t", name="Bash", is_error=False, duration_ms=1, summary=summary,
        meta={"exit_code": 0},
    )  # fmt: skip
    assert is_passing_test_run(finished, command)


def test_command_can_come_from_meta() -> None:
    finished = events.ToolFinished(
        tool_use_id="t", name="Bash", is_error=False, duration_ms=1,
        summary="=== 2 passed in 0.1s ===", meta={"command": "pytest -x"},
    )  # fmt: skip
    assert is_passing_test_run(finished, None)
    other = events.ToolFinished(
        tool_use_id="t", name="Edit", is_error=False, duration_ms=1,
        summary="=== 2 passed ===", meta={"command": "pytest"},
    )  # fmt: skip
    assert not is_passing_test_run(other, None)


def test_long_wait_makes_it_sleepy_and_any_event_wakes_it() -> None:
    state = _state()
    assert mood_at(state, T0 + 89, 90) == "idle"
    assert mood_at(state, T0 + 90, 90) == "sleepy"
    observe(state, events.TextDelta(text="hi"), T0 + 100)
    assert mood_at(state, T0 + 101, 90) == "idle"


def test_petting_beats_other_moods_for_a_moment() -> None:
    state = _state()
    observe(state, events.ToolFinished(tool_use_id="x", name="Read", is_error=True,
                                       duration_ms=1), T0)  # fmt: skip
    pet(state, T0 + 1)
    assert mood_at(state, T0 + 1.5, 90) == "petted"
    assert mood_at(state, T0 + 1 + PETTED_S + 0.1, 90) == "worried"


def test_quips_are_rate_limited() -> None:
    state = _state()
    settings = Settings(quip_chance=1.0, quip_interval_s=60.0)
    first = offer_quip(state, "worried", T0, settings, headless=False)
    assert first in QUIPS["worried"]
    assert current_quip(state, T0 + 1, headless=False) == first
    assert offer_quip(state, "celebrating", T0 + 30, settings, headless=False) is None
    assert current_quip(state, T0 + 30, headless=False) is None  # the bubble went away
    assert (
        offer_quip(state, "celebrating", T0 + 61, settings, headless=False) in QUIPS["celebrating"]
    )


def test_quips_never_in_headless_runs_or_when_switched_off() -> None:
    state = _state()
    on = Settings(quip_chance=1.0)
    assert offer_quip(state, "worried", T0, on, headless=True) is None
    assert offer_quip(state, "worried", T0, Settings(quips=False, quip_chance=1.0),
                      headless=False) is None  # fmt: skip
    assert offer_quip(state, "worried", T0, Settings(quip_chance=0.0), headless=False) is None
    assert state.quip is None
    offer_quip(state, "worried", T0, on, headless=False)
    assert current_quip(state, T0 + 1, headless=True) is None


def test_pending_bash_commands_are_bounded() -> None:
    state = _state()
    for i in range(500):
        observe(state, events.ToolRequested(tool_use_id=f"t{i}", name="Bash",
                                            input={"command": "ls"}), T0)  # fmt: skip
    assert len(state.bash_commands) == 64


def test_every_quip_fits_its_bubble() -> None:
    from corral_buddy.view import MAX_BUBBLE

    for lines in QUIPS.values():
        assert all(0 < len(line) <= MAX_BUBBLE for line in lines)
