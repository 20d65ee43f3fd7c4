"""Turning bones into a sprite: five lines of :data:`WIDTH` columns (hat row + body)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from corral_buddy._art import BODIES, EYE_SLOT, HATS, WIDTH
from corral_buddy.bones import Bones

HEIGHT = 5
FRAMES = 3
SPARKLE = "✧"

RARITY_STYLES: dict[str, str] = {
    "common": "white",
    "uncommon": "green",
    "rare": "blue",
    "epic": "magenta",
    "legendary": "yellow",
}
SHINY_STYLE = "bold bright_cyan"
SPARKLE_STYLE = "bold bright_white"
#: Where a shiny pet's sparkles go (row, column), each only if that cell is blank.
_SPARKLE_CELLS = ((0, WIDTH - 1), (2, 0), (4, WIDTH - 1))


def sprite_lines(bones: Bones, frame: int, *, eye: str | None = None) -> list[str]:
    """The sprite of ``bones`` at ``frame`` (taken modulo :data:`FRAMES`) as plain lines.

    ``eye`` replaces the pet's own eye for a moment (closed when sleepy, happy when petted).
    """
    glyph = bones.eye if eye is None else eye
    rows = [HATS[bones.hat], *BODIES[bones.species][frame % FRAMES]]
    lines = [row.replace(EYE_SLOT, glyph).ljust(WIDTH)[:WIDTH] for row in rows]
    if bones.shiny:
        for row, col in _SPARKLE_CELLS:
            if lines[row][col] == " ":
                lines[row] = lines[row][:col] + SPARKLE + lines[row][col + 1 :]
    return lines


def sprite_text(bones: Bones, frame: int, *, eye: str | None = None) -> Text:
    """The sprite as styled text: rarity colour, or the shiny colour and sparkles."""
    base = SHINY_STYLE if bones.shiny else RARITY_STYLES[bones.rarity]
    text = Text("\n".join(sprite_lines(bones, frame, eye=eye)), style=base, no_wrap=True)
    if bones.shiny:
        text.highlight_regex(SPARKLE, SPARKLE_STYLE)
    glyph = bones.eye if eye is None else eye
    text.highlight_words([glyph], Style(bold=True))
    return text
