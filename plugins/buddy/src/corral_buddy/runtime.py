"""Glue between a session and the pet: state, event reactions, status and slash commands."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from corral.api import UsageError

from corral_buddy.errors import BuddyError
from corral_buddy.keys import STATE
from corral_buddy.mood import BuddyState, mood_at, observe, pet
from corral_buddy.quips import current_quip, offer_quip
from corral_buddy.settings import settings_from

if TYPE_CHECKING:
    from corral.api import Event, Session
    from rich.text import Text

    from corral_buddy.profile import Profile
    from corral_buddy.view import StatusView

def state_for(session: Session, now: float | None = None) -> BuddyState:
    """The pet's state in ``session.stash[STATE]``, created on first use."""
    state = session.stash.get(STATE)
    if state is None:
        state = BuddyState(last_activity=time.time() if now is None else now)
        session.stash[STATE] = state
    return state


def profile_for(session: Session, state: BuddyState) -> Profile:
    """The session's pet, loaded once per session (the bones are rolled, never read)."""
    if state.profile is None:
        from corral_buddy.profile import load_profile

        state.profile = load_profile(settings_from(session.config))
    return state.profile


def on_event(session: Session, event: Event, now: float | None = None) -> None:
    when = now if now is not None else (event.ts or time.time())
    state = state_for(session, when)
    reaction = observe(state, event, when)
    if reaction is not None:
        offer_quip(state, reaction, when, settings_from(session.config), headless=session.headless)


def status(session: Session, now: float | None = None) -> StatusView | Text | None:
    """The status-area renderable at ``now``, or ``None`` while the pet is hidden.

    When the pet's files cannot be read, the status area shows that error (once loaded, the
    pet is kept for the session, so this costs no disk access per refresh).
    """
    from corral_buddy.view import StatusView, frame_at

    when = time.time() if now is None else now
    state = state_for(session, when)
    if state.hidden:
        return None
    if state.error is not None:
        return _error_text(state.error)
    settings = settings_from(session.config)
    try:
        profile = profile_for(session, state)
    except BuddyError as exc:
        state.error = str(exc)
        return _error_text(state.error)
    mood = mood_at(state, when, settings.sleepy_after_s)
    if mood != state.shown:
        if mood == "sleepy":
            offer_quip(state, mood, when, settings, headless=session.headless)
        state.shown = mood
    return StatusView(
        profile,
        mood=mood,
        frame=frame_at(when, mood, animate=settings.animate),
        quip=current_quip(state, when, headless=session.headless),
    )


def _name_or_default(session: Session, state: BuddyState) -> str:
    try:
        return profile_for(session, state).soul.name
    except BuddyError:
        return "Your buddy"


def _error_text(message: str) -> Text:
    from rich.text import Text

    return Text(f"{message} (/buddy off hides this)", style="yellow")


SLASH_HINT = "[pet | off | on | rename NAME]"


def slash(session: Session, args: str, now: float | None = None) -> str:
    """``/buddy``: the card; ``pet``, ``off``, ``on`` and ``rename NAME`` act on the pet."""
    when = time.time() if now is None else now
    state = state_for(session, when)
    word, _, rest = args.strip().partition(" ")
    if word == "":
        from corral_buddy.view import card_text

        return card_text(profile_for(session, state))
    if word in ("off", "on"):
        state.hidden = word == "off"
        name = _name_or_default(session, state)
        if state.hidden:
            return f"{name} curls up out of sight for this session (/buddy on brings it back)."
        return f"{name} is back."
    name = profile_for(session, state).soul.name
    if word == "pet":
        pet(state, when)
        offer_quip(state, "petted", when, settings_from(session.config), headless=session.headless)
        return f"♥ ♥ ♥  {name} leans into it."
    if word == "rename":
        from corral_buddy.identity import buddy_dir
        from corral_buddy.profile import Profile
        from corral_buddy.soul import SoulStore

        profile = profile_for(session, state)
        soul = SoulStore(buddy_dir()).rename(profile.bones, rest)
        state.profile = Profile(bones=profile.bones, soul=soul)
        return f"{name} is now called {soul.name}."
    raise UsageError(f"/buddy: unknown argument {word!r}; use /buddy {SLASH_HINT}.")
