"""One-line quips in a speech bubble: occasional, rate-limited, never in headless runs."""

from __future__ import annotations

from corral_buddy.mood import BuddyState, Mood
from corral_buddy.settings import Settings

QUIP_S = 6.0
MAX_QUIP = 40

QUIPS: dict[Mood, tuple[str, ...]] = {
    "worried": (
        "That did not look healthy.",
        "Uh oh. Want me to hold the stack trace?",
        "Errors are just surprises with line numbers.",
        "Deep breaths. Read the first line.",
    ),
    "celebrating": (
        "Green! Do a little dance.",
        "All passing. I knew it all along.",
        "Tests pass. Snack time?",
        "Ship it! (after review)",
    ),
    "eyebrow": (
        "Denied? Bold choice. I respect it.",
        "Hm. Someone said no.",
        "Not that one, then.",
    ),
    "sleepy": (
        "Just resting my eyes...",
        "Wake me when it compiles.",
        "Zzz... refactor... zzz",
    ),
    "petted": (
        "Happy noises.",
        "More, please.",
        "You're my favourite human.",
    ),
    "idle": (),
}


def offer_quip(
    state: BuddyState, mood: Mood, now: float, settings: Settings, *, headless: bool
) -> str | None:
    """Maybe start a quip for ``mood``; return it when one was started.

    Nothing in headless runs, with quips switched off, within ``quip_interval_s`` of the
    previous quip, or when the ``quip_chance`` roll misses.
    """
    lines = QUIPS[mood]
    if headless or not settings.quips or not lines:
        return None
    if state.last_quip_at is not None and now - state.last_quip_at < settings.quip_interval_s:
        return None
    if state.rng.random() >= settings.quip_chance:
        return None
    state.quip = state.rng.choice(lines)
    state.quip_until = now + QUIP_S
    state.last_quip_at = now
    return state.quip


def current_quip(state: BuddyState, now: float, *, headless: bool) -> str | None:
    """The quip to show at ``now``, if one is still up."""
    if headless or state.quip is None or now >= state.quip_until:
        return None
    return state.quip
