"""Spellings meant to slip a term past the filter are all caught, at the right place."""

from __future__ import annotations

import pytest
from corral_undercover._fold import normalize_term
from corral_undercover._tables import HOMOGLYPHS, LEET
from corral_undercover.matcher import Scanner
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import TERMS

EVASIONS = [
    ("CAPYBARA", "Capybara"),
    ("cApYbArA", "Capybara"),
    ("Cap-y bara", "Capybara"),
    ("c.a.p.y.b.a.r.a", "Capybara"),
    ("c a p y b a r a", "Capybara"),
    ("Capy\nbara", "Capybara"),
    ("cap\u200bybara", "Capybara"),
    ("cap\u200d\u200cyb\u2060ara", "Capybara"),
    ("capy\u00adbara", "Capybara"),
    ("\ufeffcapybara", "Capybara"),
    ("сарybаrа", "Capybara"),  # Cyrillic с, а, р
    ("ϲapybαra", "Capybara"),  # Greek lunate sigma, alpha
    ("ＣＡＰＹＢＡＲＡ", "Capybara"),  # fullwidth
    ("𝐜𝐚𝐩𝐲𝐛𝐚𝐫𝐚", "Capybara"),  # mathematical bold
    ("Cápybàra", "Capybara"),  # accents
    ("capybaraService", "Capybara"),
    ("CapybaraClient", "Capybara"),
    ("my_capy_bara_thing", "Capybara"),
    ("FALCON", "Falcon"),
    ("Fal-con", "Falcon"),
    ("ODIN", "odin"),
    ("O.D.I.N", "odin"),
    ("odinClient", "odin"),
    ("project_tundra", "Project Tundra"),
    ("ProjectTundra", "Project Tundra"),
    ("project\n  tundra", "Project Tundra"),
    ("NIMBUS2", "nimbus"),
]


@pytest.mark.parametrize(("text", "term"), EVASIONS)
def test_evasion_corpus_is_caught(scanner: Scanner, text: str, term: str) -> None:
    wrapped = f"Release notes: {text} shipped."
    findings = [f for f in scanner.scan(wrapped) if f.category == "term"]
    assert len(findings) == 1, findings
    f = findings[0]
    assert wrapped[f.start : f.end].strip(".") in text
    assert normalize_term(wrapped[f.start : f.end], leet=False) == normalize_term(term, False)


@pytest.mark.parametrize(
    "text", ["c4pyb4r4", "C@PYB@R@", "c4p-yb4r4", "f4lc0n", "0d1n", "n1mbu5", "nimbu$"]
)
def test_leetspeak_is_caught_when_enabled(text: str) -> None:
    on = build_scanner(Settings(terms=TERMS, leetspeak=True))
    off = build_scanner(Settings(terms=TERMS, leetspeak=False))
    wrapped = f"see {text} now"
    assert [f.category for f in on.scan(wrapped)] == ["term"]
    assert off.scan(wrapped) == []


_LOOKALIKES: dict[str, list[str]] = {}
for _glyph, _latin in HOMOGLYPHS.items():
    _LOOKALIKES.setdefault(_latin, []).append(_glyph)
_LEET_OF: dict[str, list[str]] = {}
for _glyph, _latin in LEET.items():
    if _glyph not in "il":
        _LEET_OF.setdefault(_latin, []).append(_glyph)
_GAPS = ["-", " ", ".", "_", "\n", "\t", "/", "*", "·", "\u200b", "\u200c", "\u200d", "\u2060",
         "\ufeff", "\u00ad", "\u034f"]  # fmt: skip


@st.composite
def disguised(draw: st.DrawFn, leet: bool = False) -> tuple[str, str]:
    term = draw(st.sampled_from(TERMS))
    letters = [c for c in term if c.isalnum()]
    out: list[str] = []
    for i, c in enumerate(letters):
        low = c.lower()
        forms = [
            low,
            low.upper(),
            chr(ord(low) - ord("a") + 0xFF41),
            chr(ord(low) - ord("a") + 0x1D41A),
        ]
        forms += _LOOKALIKES.get(low, [])
        if leet:
            forms += _LEET_OF.get(low, [])
        out.append(draw(st.sampled_from(forms)))
        if i < len(letters) - 1:
            out.append("".join(draw(st.lists(st.sampled_from(_GAPS), max_size=3))))
    return term, "".join(out)


_WORDS = st.lists(st.sampled_from(["the", "new", "build", "of", "is", "ready", "42"]), max_size=4)


@settings(max_examples=300, deadline=None)
@given(disguised(), _WORDS, _WORDS, st.sampled_from([" ", "\n", "(", "`", '"', ": "]))
def test_inserting_separators_and_lookalikes_never_evades(
    case: tuple[str, str], before: list[str], after: list[str], edge: str
) -> None:
    term, variant = case
    scanner = build_scanner(Settings(terms=TERMS))
    prefix = " ".join(before) + edge if before else ""
    text = prefix + variant + (edge[::-1] + " ".join(after) if after else "")
    spans = [(f.start, f.end) for f in scanner.scan(text) if f.category == "term"]
    assert (len(prefix), len(prefix) + len(variant)) in spans
    assert normalize_term(variant, leet=False) == normalize_term(term, leet=False)


@settings(max_examples=150, deadline=None)
@given(disguised(leet=True))
def test_leetspeak_variants_never_evade_when_enabled(case: tuple[str, str]) -> None:
    term, variant = case
    scanner = build_scanner(Settings(terms=TERMS, leetspeak=True))
    text = f"about {variant} today"
    spans = [(f.start, f.end) for f in scanner.scan(text)]
    assert (6, 6 + len(variant)) in spans
