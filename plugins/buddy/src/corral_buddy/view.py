"""Renderables: the card (``/buddy``, ``corral buddy``) and the status-area pet."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from corral_buddy._art import WIDTH
from corral_buddy.bones import Bones
from corral_buddy.profile import Profile
from corral_buddy.sprites import RARITY_STYLES, SPARKLE, sprite_text

if TYPE_CHECKING:
    from corral_buddy.mood import Mood

BAR_CELLS = 20
#: The idle animation at two frames a second: mostly still, now and then a twitch.
IDLE_CYCLE = (0, 0, 1, 0, 0, 2)
LIVELY_CYCLE = (1, 2)
FPS = 2.0

MOOD_LINES: dict[Mood, str] = {
    "idle": "",
    "worried": ";_;  worried",
    "celebrating": "\\o/  celebrating",
    "sleepy": "z z Z",
    "eyebrow": "¬_¬  one eyebrow up",
    "petted": "♥ ♥ ♥",
}
MOOD_STYLES: dict[Mood, str] = {
    "idle": "",
    "worried": "yellow",
    "celebrating": "bold green",
    "sleepy": "dim",
    "eyebrow": "cyan",
    "petted": "bold red",
}
#: Eyes that replace the pet's own for a mood.
MOOD_EYES: dict[Mood, str] = {"sleepy": "-", "petted": "^", "celebrating": "^"}
MAX_BUBBLE = 48
INFO_WIDTH = 46


def stars(bones: Bones) -> str:
    return "★" * bones.stars + "☆" * (5 - bones.stars)


def frame_at(now: float, mood: Mood, *, animate: bool = True) -> int:
    """The animation frame to show at ``now`` (seconds), about two frames a second."""
    if not animate or mood == "sleepy":
        return 0
    tick = int(now * FPS)
    cycle = LIVELY_CYCLE if mood in ("celebrating", "petted") else IDLE_CYCLE
    return cycle[tick % len(cycle)]


def stat_bar(value: int) -> Text:
    filled = round(value * BAR_CELLS / 100)
    bar = Text("█" * filled, style="bold")
    bar.append("░" * (BAR_CELLS - filled), style="dim")
    return bar


class Card:
    """The pet's card: sprite, name, rarity stars, personality and stat bars."""

    def __init__(self, profile: Profile, *, frame: int = 0) -> None:
        self.profile = profile
        self.frame = frame

    def __rich__(self) -> Panel:
        bones, soul = self.profile.bones, self.profile.soul
        colour = RARITY_STYLES[bones.rarity]
        info = Text()
        info.append(soul.name, style="bold")
        info.append("\n")
        info.append(stars(bones), style=colour)
        info.append(f"  {bones.rarity} {bones.species}")
        if bones.shiny:
            info.append(f"  {SPARKLE} shiny", style="bold bright_cyan")
        info.append("\n")
        if bones.hat != "none":
            info.append(f"wears a {bones.hat}\n", style="dim")
        info.append(soul.personality, style="italic")

        top = Table.grid(padding=(0, 2))
        top.add_column(width=WIDTH, no_wrap=True)
        top.add_column(max_width=INFO_WIDTH)
        top.add_row(sprite_text(bones, self.frame), info)

        stats = Table.grid(padding=(0, 1))
        stats.add_column(no_wrap=True)
        stats.add_column(no_wrap=True)
        stats.add_column(justify="right", no_wrap=True)
        for name, value in bones.stats.items():
            stats.add_row(name, stat_bar(value), str(value))
        return Panel(
            Group(top, Text(""), stats),
            title="buddy",
            title_align="left",
            border_style=colour,
            expand=False,
        )


def card_text(profile: Profile, *, width: int = 72) -> str:
    """The card as plain text (no colour codes), for commands that return a string."""
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, force_terminal=False).print(Card(profile))
    return out.getvalue().rstrip("\n")


def bubble(text: str) -> list[str]:
    """A three-line speech bubble pointing left at the pet."""
    if len(text) > MAX_BUBBLE:
        text = text[: MAX_BUBBLE - 1] + "…"
    edge = "-" * (len(text) + 2)
    return [f" .{edge}.", f"< {text}  |", f" `{edge}'"]


class StatusView:
    """The pet in the status area: always five lines (``sprites.HEIGHT``), so the area never jumps.

    ``frame`` is used only on a terminal; anywhere else the pet stands still on frame 0.
    """

    def __init__(
        self, profile: Profile, *, mood: Mood, frame: int, quip: str | None = None
    ) -> None:
        self.profile = profile
        self.mood = mood
        self.frame = frame
        self.quip = quip

    def render(self, frame: int) -> Table:
        bones, soul = self.profile.bones, self.profile.soul
        side = Text(no_wrap=True, overflow="ellipsis")
        side.append(soul.name, style="bold")
        side.append(" " + stars(bones), style=RARITY_STYLES[bones.rarity])
        side.append("\n")
        side.append(MOOD_LINES[self.mood], style=MOOD_STYLES[self.mood])
        lines = bubble(self.quip) if self.quip else ["", "", ""]
        for line in lines:
            side.append("\n" + line)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=WIDTH, no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_row(sprite_text(bones, frame, eye=MOOD_EYES.get(self.mood)), side)
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.render(self.frame if console.is_terminal else 0)
