"""How the pet feels: per-session state, moved by session events and by time.

Reactions last :data:`REACTION_S` seconds; the latest wins. With no event for
``sleepy_after_s`` the pet dozes. Petting shows hearts for :data:`PETTED_S` seconds and beats
everything else.
"""

from __future__ import annotations

import functools
import random
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from corral.api import Event, PermissionDecided, ToolFinished, ToolRequested

if TYPE_CHECKING:
    from corral_buddy.profile import Profile

Mood = Literal["idle", "worried", "celebrating", "sleepy", "eyebrow", "petted"]

REACTION_S = 8.0
PETTED_S = 3.0
#: Calls remembered until their ToolFinished (a bound, not a cache).
_MAX_PENDING = 64


class BuddyState(msgspec.Struct):
    """What buddy keeps in ``session.stash`` (under ``corral_buddy.keys.STATE``)."""

    last_activity: float
    rng: random.Random = msgspec.field(default_factory=random.Random)
    reaction: Mood = "idle"
    reaction_until: float = 0.0
    petted_until: float = 0.0
    hidden: bool = False
    quip: str | None = None
    quip_until: float = 0.0
    last_quip_at: float | None = None
    #: The mood the status area last showed, to notice when the pet falls asleep.
    shown: Mood = "idle"
    profile: Profile | None = None
    #: Why the pet could not be loaded (shown in the status area instead of the pet).
    error: str | None = None
    bash_commands: OrderedDict[str, str] = msgspec.field(default_factory=OrderedDict)
    #: Calls denied permission, so their error result does not also worry the pet.
    denied: OrderedDict[str, str] = msgspec.field(default_factory=OrderedDict)


def observe(state: BuddyState, event: Event, now: float) -> Mood | None:
    """Update ``state`` for ``event``; return the reaction it set off, if any."""
    state.last_activity = max(state.last_activity, now)
    reaction: Mood | None = None
    if isinstance(event, ToolRequested) and event.name == "Bash":
        command = event.input.get("command")
        if isinstance(command, str):
            _remember(state.bash_commands, event.tool_use_id, command)
    elif isinstance(event, ToolFinished):
        command = state.bash_commands.pop(event.tool_use_id, None)
        denied = state.denied.pop(event.tool_use_id, None) is not None
        if event.is_error and not denied:
            # A denied call's error result is the denial itself: the eyebrow stays.
            reaction = "worried"
        elif is_passing_test_run(event, command):
            reaction = "celebrating"
    elif isinstance(event, PermissionDecided) and event.decision == "deny":
        _remember(state.denied, event.tool_use_id, "deny")
        reaction = "eyebrow"
    if reaction is not None:
        state.reaction = reaction
        state.reaction_until = now + REACTION_S
    return reaction


def _remember(pending: OrderedDict[str, str], key: str, value: str) -> None:
    pending[key] = value
    while len(pending) > _MAX_PENDING:
        pending.popitem(last=False)


def mood_at(state: BuddyState, now: float, sleepy_after_s: float) -> Mood:
    """The mood to show at ``now``."""
    if now < state.petted_until:
        return "petted"
    if now < state.reaction_until:
        return state.reaction
    if now - state.last_activity >= sleepy_after_s:
        return "sleepy"
    return "idle"


def pet(state: BuddyState, now: float) -> None:
    state.petted_until = now + PETTED_S
    state.last_activity = max(state.last_activity, now)


# --- passing test runs ------------------------------------------------------------------------

@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The test-runner command, a pass summary, a sign of failure: compiled when a Bash call
    first finishes, not when the plugin loads."""
    test_command = re.compile(
        r"""(?:^|[\s;&|(])(?:
            (?:python3?\s+-m\s+)?pytest
          | tox | nox
          | (?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test
          | npx\s+(?:jest|vitest|mocha)
          | jest | vitest | mocha
          | cargo\s+test | go\s+test
        )(?:$|[\s;&|)])""",
        re.VERBOSE,
    )
    # a test runner's summary saying something passed: pytest/tox, jest/vitest, mocha, cargo, go
    passed = re.compile(
        r"\b\d+ passed\b|^Tests:\s+\d+ passed|\b\d+ passing\b|test result: ok\.|^ok\s+\S+",
        re.MULTILINE,
    )
    # any sign that something failed; one is enough to withhold the celebration
    failed = re.compile(
        r"\b[1-9]\d* (?:failed|failing|errors?)\b|\bFAILED\b|\bFAIL\b|test result: FAILED"
        r"|\bERROR\b|Traceback \(most recent call last\)|\bno tests ran\b",
    )
    return test_command, passed, failed


def is_passing_test_run(event: ToolFinished, command: str | None) -> bool:
    """Whether ``event`` is a Bash call that ran a test suite and the suite passed.

    Deliberately conservative: the command must look like a test runner, the call must not
    be an error, a reported exit code must be 0, and the output (the event's summary, plus
    ``stdout``/``output`` in its meta when present) must show a pass summary and no sign of
    a failure.
    """
    if event.name != "Bash" or event.is_error:
        return False
    meta: dict[str, Any] = event.meta
    if command is None:
        meta_command = meta.get("command")
        command = meta_command if isinstance(meta_command, str) else None
    test_command, passed, failed = _patterns()
    if command is None or not test_command.search(command):
        return False
    for key in ("exit_code", "returncode"):
        if key in meta and meta[key] != 0:
            return False
    parts = [event.summary]
    parts += [meta[k] for k in ("stdout", "output", "stderr") if isinstance(meta.get(k), str)]
    output = "\n".join(parts)
    return bool(passed.search(output)) and not failed.search(output)
