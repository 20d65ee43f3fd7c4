"""Ordinary code and prose, full of near-miss words, is not flagged (known exceptions listed)."""

from __future__ import annotations

from corral_undercover.matcher import Scanner
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings

from .conftest import TERMS

PROSE = """
We spent the week coding the new parser. The video dinner on Friday was fun; at last the
release is ready. Someone left a hat, lasso and a rope in the meeting room. The nimble CI
runner finished in time, and the falco dashboard stayed green. Our capybar prototype (a
typo, really) was removed. Please go to the docs, then go over the checklist. The tundra
photo is the desktop background. The project's tundra plan is public. Odinsleep is a rune.
A go/no-go meeting is set. See https://github.com/acme/widget and api.example.com.
Version 9.1.2 of the library (not ours) and v10.1.2 are public. #team-capricorn is not ours.
"""

CODE = '''
import "go/ast"
import "go/parser"

def coordinate(nodes: list[Node]) -> None:
    """Walk the nodes, coding each one; cap y at bar as needed."""
    for node in nodes:
        node.cap_y = max(node.cap_y, BAR_B)
        mode_in = node.mode in ("odd", "in")
    return None

class ProjectTracker:
    tundraFree = True  # an ordinary word used as a flag name
'''


def _flagged(scanner: Scanner, text: str) -> list[str]:
    return [text[f.start : f.end] for f in scanner.scan(text)]


def test_prose_has_only_the_documented_false_positive() -> None:
    scanner = build_scanner(
        Settings(
            terms=TERMS,
            patterns=[r"\bv9\.\d+\.\d+"],
            internal_hosts=["corp.example"],
            channels=["#team-capy"],
        )
    )
    # "go/no-go" reads as a short link: the one false positive this corpus has.
    assert _flagged(scanner, PROSE) == ["go/no-go"]


def test_code_is_not_flagged(scanner: Scanner) -> None:
    assert _flagged(scanner, CODE) == []


def test_long_terms_match_inside_words_short_ones_do_not() -> None:
    # Documented behaviour of word_boundary = "short": words that contain a long term are
    # flagged (a plural, a compound), words that contain a short one are not.
    scanner = build_scanner(Settings(terms=TERMS))
    assert _flagged(scanner, "falconry and gyrfalcon") == ["falcon", "falcon"]
    assert _flagged(scanner, "coding, odinsleep, Odin") == ["Odin"]


def test_word_boundary_always_and_never() -> None:
    always = build_scanner(Settings(terms=TERMS, word_boundary="always"))
    never = build_scanner(Settings(terms=TERMS, word_boundary="never"))
    assert _flagged(always, "falconry, FalconClient, falcon_x") == ["Falcon", "falcon"]
    assert _flagged(never, "coding") == ["odin"]


def test_words_that_happen_to_join_into_a_term_are_caught() -> None:
    # The price of tolerating separators: a term that is itself a run of separate words
    # matches those words. Listed here so the behaviour is deliberate.
    scanner = build_scanner(Settings(terms=["together", "capybara"]))
    assert _flagged(scanner, "put it to get her") == ["to get her"]
    assert _flagged(scanner, "max(node.cap_y, BAR_A)") == ["cap_y, BAR_A"]
