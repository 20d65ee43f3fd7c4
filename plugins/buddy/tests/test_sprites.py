"""Sprites and renderables in a rich test console."""

from __future__ import annotations

import io

import msgspec
import pytest
from corral_buddy._art import BODIES, EYE_SLOT, HATS
from corral_buddy.bones import EYES, SPECIES, Bones, roll
from corral_buddy.profile import Profile
from corral_buddy.soul import make_soul
from corral_buddy.sprites import FRAMES, HEIGHT, SPARKLE, sprite_lines, sprite_text
from corral_buddy.view import StatusView, card_text, frame_at
from rich.console import Console


def _render(renderable: object, *, terminal: bool = False, width: int = 80) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=terminal, color_system=None)
    console.print(renderable)
    return out.getvalue().rstrip("\n").split("\n")


def _bones(species: str, hat: str = "none", *, shiny: bool = False, eye: str = "@") -> Bones:
    return msgspec.structs.replace(roll("golden-0"), species=species, hat=hat, shiny=shiny, eye=eye)


def test_every_drawing_uses_the_eye_slot_and_fits() -> None:
    assert set(BODIES) == set(SPECIES)
    for species, frames in BODIES.items():
        assert len(frames) == FRAMES
        for frame in frames:
            assert len(frame) == HEIGHT - 1
            assert all(len(line) <= 12 for line in frame), species
            assert sum(line.count(EYE_SLOT) for line in frame) >= 1, species
        # The frames differ: it is an animation, not three copies.
        assert len(set(frames)) == FRAMES, species


@pytest.mark.parametrize("species", SPECIES)
def test_sprite_renders_at_each_frame_12_by_5(species: str) -> None:
    for frame in range(FRAMES):
        for hat in HATS:
            lines = _render(sprite_text(_bones(species, hat), frame))
            assert len(lines) == HEIGHT
            assert all(len(line) == 12 for line in lines)
            assert EYE_SLOT not in "".join(lines)
            assert "@" in "".join(lines[1:])
            if hat != "none":
                assert lines[0].strip() == HATS[hat].strip()
            else:
                assert lines[0].strip() == ""


def test_frames_render_differently() -> None:
    frames = {tuple(_render(sprite_text(_bones("cat"), f))) for f in range(FRAMES)}
    assert len(frames) == FRAMES


def test_each_eye_is_drawn() -> None:
    for eye in EYES:
        assert eye in "".join(sprite_lines(_bones("blob", eye=eye), 0))


def test_shiny_gets_sparkles_and_a_colour() -> None:
    plain = sprite_lines(_bones("owl"), 0)
    shiny = sprite_lines(_bones("owl", shiny=True), 0)
    assert SPARKLE not in "".join(plain) and "".join(shiny).count(SPARKLE) >= 2
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="truecolor").print(
        sprite_text(_bones("owl", shiny=True), 0)
    )
    assert "\x1b[1;96m" in out.getvalue()  # bold bright cyan


def _profile(user_id: str) -> Profile:
    bones = roll(user_id)
    return Profile(bones=bones, soul=make_soul(bones, now=0.0))


def test_card_shows_sprite_name_stars_and_stat_bars() -> None:
    profile = _profile("golden-37")
    text = card_text(profile)
    assert "Wobzy" in text
    assert "★★★★★  legendary cactus" in text
    assert "wears a propeller" in text
    assert "CHAOS     ████████████████████ 100" in text
    assert "SNARK     ███████████░░░░░░░░░  53" in text
    assert ">-o-<" in text  # the hat row of the sprite
    assert "\x1b" not in text


def test_status_view_is_always_five_lines() -> None:
    profile = _profile("golden-348")
    for mood in ("idle", "worried", "celebrating", "sleepy", "eyebrow", "petted"):
        for quip in (None, "A rather long quip that will not fit in the bubble at all"):
            for frame in range(FRAMES):
                lines = _render(
                    StatusView(profile, mood=mood, frame=frame, quip=quip), terminal=True
                )
                assert len(lines) == HEIGHT, (mood, quip, frame)


def test_status_view_animates_only_on_a_terminal() -> None:
    profile = _profile("golden-3")
    term = {tuple(_render(StatusView(profile, mood="idle", frame=f), terminal=True))
            for f in range(FRAMES)}  # fmt: skip
    pipe = {tuple(_render(StatusView(profile, mood="idle", frame=f))) for f in range(FRAMES)}
    assert len(term) == FRAMES
    assert pipe == {tuple(_render(StatusView(profile, mood="idle", frame=0), terminal=True))}


def test_status_view_shows_mood_and_bubble() -> None:
    profile = _profile("golden-3")
    lines = _render(StatusView(profile, mood="worried", frame=0, quip="Uh oh."), terminal=True)
    assert ";_;  worried" in lines[1]
    assert "< Uh oh." in lines[3]
    sleepy = "".join(_render(StatusView(profile, mood="sleepy", frame=0), terminal=True))
    assert "z z Z" in sleepy and "-" in sleepy and "°" not in sleepy  # eyes closed


def test_frame_at_runs_about_two_frames_a_second() -> None:
    seen = [frame_at(t / 2, "idle") for t in range(12)]
    assert seen == [0, 0, 1, 0, 0, 2] * 2
    assert {frame_at(t / 2, "celebrating") for t in range(4)} == {1, 2}
    assert {frame_at(t / 2, "sleepy") for t in range(12)} == {0}
    assert {frame_at(t / 2, "idle", animate=False) for t in range(12)} == {0}
