"""The skill listing stays within its budget and says what it left out."""

from __future__ import annotations

from corral.skills.listing import render_listing
from corral.skills.model import Skill


def skill(name: str, description: str) -> Skill:
    return Skill(name=name, description=description, file=f"/s/{name}/SKILL.md",
                 folder=f"/s/{name}", source="project", body="")


def test_everything_fits_under_a_large_budget() -> None:
    skills = [skill("a", "first"), skill("b", "second")]
    text = render_listing(skills, 10_000)
    assert "- a: first\n- b: second" in text and "not described" not in text
    assert render_listing([], 10_000) == ""


def test_over_budget_descriptions_shorten_then_names_only_then_a_count() -> None:
    skills = [skill(f"skill-{i:03}", "word " * 100) for i in range(200)]
    text = render_listing(skills, 4000)
    described = [line for line in text.splitlines() if line.startswith("- ")]
    assert 0 < len(described) < 200
    assert all(len(line) <= 220 for line in described)  # shortened to about 200
    assert "description(s) above were shortened" in text
    assert f"{200 - len(described)} more skill(s) are not described here" in text
    assert "skill-199" not in text and "more; load one with the Skill tool by name" in text
    # the closing notes are small next to the budget
    assert len(text) < 4000 + 400


def test_a_few_names_beyond_the_budget_are_still_named() -> None:
    skills = [skill("big", "x" * 150), skill("small-one", "y"), skill("small-two", "z")]
    text = render_listing(skills, 600)
    assert "- big: " in text
    # whatever did not fit with a description is at least named
    for name in ("small-one", "small-two"):
        assert name in text
