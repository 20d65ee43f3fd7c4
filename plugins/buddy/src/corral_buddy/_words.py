"""Word lists the built-in soul is made from (names and personality phrases of our own)."""

from __future__ import annotations

NAME_HEADS: tuple[str, ...] = (
    "Pip", "Mo", "Bram", "Tuff", "Zin", "Wob", "Nib", "Quil", "Fen", "Dot", "Bix", "Lum",
    "Sprock", "Tam", "Odd", "Gus", "Juni", "Kip", "Marl", "Pock", "Rue", "Sable", "Tink", "Yaro",
)  # fmt: skip
NAME_TAILS: tuple[str, ...] = (
    "kin", "bo", "let", "zy", "wick", "sy", "ble", "o", "ette", "by", "grim", "pel",
    "ton", "ley", "nut", "aro",
)  # fmt: skip

TEMPERS: tuple[str, ...] = (
    "Cheerful and nosy", "Quiet but watchful", "Bouncy and loud", "Grumpy until fed",
    "Dreamy and polite", "Stubborn and loyal", "Curious about everything", "Calm as a pond",
    "Twitchy with excitement", "Dry as toast", "Softly dramatic", "Relentlessly upbeat",
)  # fmt: skip

#: What the pet is like in its strongest stat.
PEAK_PHRASES: dict[str, tuple[str, ...]] = {
    "DEBUGGING": (
        "reads stack traces for fun",
        "can smell an off-by-one from across the room",
        "bisects problems before breakfast",
    ),
    "PATIENCE": (
        "will wait out any build",
        "never rushes a flaky test",
        "hums through the longest compile",
    ),
    "CHAOS": (
        "pushes every button at least twice",
        "thinks rm is a verb worth exploring",
        "renames things just to see what happens",
    ),
    "WISDOM": (
        "knows which fights are worth a refactor",
        "quotes old commit messages like proverbs",
        "has seen this bug before, in another life",
    ),
    "SNARK": (
        "has a remark for every TODO",
        "rates your variable names out loud",
        "sighs audibly at trailing whitespace",
    ),
}

#: What the pet is like in its weakest stat.
DUMP_PHRASES: dict[str, tuple[str, ...]] = {
    "DEBUGGING": (
        "but blames the cache for everything",
        "but prints 'here' to find bugs",
        "but fixes bugs by staring at them",
    ),
    "PATIENCE": (
        "but taps the screen during every spinner",
        "but gets bored halfway through a diff",
        "but wants the tests green right now",
    ),
    "CHAOS": (
        "but files everything in perfect order",
        "but never leaves a branch unmerged",
        "but alphabetises its own snacks",
    ),
    "WISDOM": (
        "but forgets what it was doing mid-sentence",
        "but trusts every answer on the first page",
        "but would ship on a Friday",
    ),
    "SNARK": (
        "but is far too kind to say so",
        "but apologises to the compiler",
        "but thinks every commit is lovely",
    ),
}
