"""Normalization and the map back to original positions."""

from __future__ import annotations

from unittest.mock import patch

from corral_undercover import _normalize
from corral_undercover._fold import compact_of, fold_char, is_letter, normalize_term
from corral_undercover._normalize import Normalized
from corral_undercover.matcher import Scanner
from hypothesis import given, settings
from hypothesis import strategies as st


def test_fold_char_handles_width_case_lookalikes_and_invisibles() -> None:
    assert fold_char("Ｃ") == "c"  # fullwidth
    assert fold_char("С") == "c"  # Cyrillic capital es
    assert fold_char("Η") == "h" and fold_char("η") == "n"  # Greek eta, by case
    assert fold_char("\u200b") == "" and fold_char("\u00ad") == ""
    assert fold_char("é") == "e"
    assert fold_char("ﬁ") == "fi"
    assert fold_char("ß") == "ss"


def test_normalize_term_drops_separators() -> None:
    assert normalize_term("Project-Tundra", leet=False) == "projecttundra"
    assert normalize_term("c4pyb@r@", leet=True) == "capybara"
    assert normalize_term("c4pyb@r@", leet=False) == "c4pybr"


def test_compact_positions_map_back_to_original() -> None:
    text = "x Ｃa\u200bp-y ｂａｒa!"
    norm = Normalized(text)
    assert norm.compact == "xcapybara"
    # every compact letter comes from an original character that folds to it
    for k, letter in enumerate(norm.compact):
        orig = text[norm.orig_of_spaced(norm.spaced_of_compact(k))]
        assert fold_char(orig) == letter


def test_term_straddling_a_block_boundary_is_found_with_exact_span() -> None:
    scanner = Scanner(terms=[("terms[0]", "capybara")])
    for pad in range(4090, 4097):
        for prefix_char in ("a", "é"):  # ASCII and non-ASCII first blocks
            text = prefix_char * pad + " Capy\u200bbara end"
            findings = scanner.scan(text)
            assert len(findings) == 1, pad
            f = findings[0]
            assert (f.start, f.end) == (pad + 1, pad + 1 + len("Capy\u200bbara"))
            assert normalize_term(text[f.start : f.end], leet=False) == "capybara"


def test_line_and_column_are_one_based_in_the_original() -> None:
    scanner = Scanner(terms=[("terms[0]", "falcon")])
    text = "first line\n  ＦＡＬＣＯＮ here\n"
    (f,) = scanner.scan(text)
    assert (f.line, f.column) == (2, 3)
    assert text[f.start : f.end] == "ＦＡＬＣＯＮ"


def test_trailing_combining_mark_belongs_to_the_span() -> None:
    scanner = Scanner(terms=[("terms[0]", "capybara")])
    text = "capybara\u0301 ok"
    (f,) = scanner.scan(text)
    assert text[f.start : f.end] == "capybara\u0301"


# Characters for the generated texts: ASCII (with leet digits and signs), characters that fold
# to one other character, to nothing (zero-width, soft hyphen, combining marks), to several
# (ligatures, sharp s, a vulgar fraction), non-ASCII separators, a lone surrogate; and the
# full-width alphabet, which brings more distinct folds than byte replacement handles.
_ASCII = "abc XYl0@$-.\n"
_OTHER = "éßСΗηａ日—→\u200b\u00ad\u0301ﬁ½İ\ud800"
_MANY = "".join(chr(c) for c in range(0xFF21, 0xFF3B))


def _check_against_character_by_character_folding(text: str, leet: bool) -> None:
    norm = Normalized(text, leet=leet)
    spaced = [(fold_char(ch), i) for i, ch in enumerate(text)]
    assert norm.spaced == "".join(f for f, _ in spaced)
    assert norm.compact == compact_of(norm.spaced, leet)
    expected_origin = [i for f, i in spaced for _ in f]
    assert [norm.orig_of_spaced(k) for k in range(len(norm.spaced))] == expected_origin
    letters = [k for k, c in enumerate(norm.spaced) if is_letter(c, leet)]
    assert [norm.spaced_of_compact(k) for k in range(len(norm.compact))] == letters


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=_ASCII, min_size=0, max_size=150),
            st.text(alphabet=_OTHER, min_size=1, max_size=5),
            st.just(_MANY),
        ),
        max_size=40,
    ),
    st.booleans(),
    st.sampled_from([(1024, 2048), (7, 5), (1, 1)]),
)
def test_fast_paths_agree_with_character_by_character_folding(
    parts: list[str], leet: bool, blocks: tuple[int, int]
) -> None:
    # Small blocks put block edges everywhere: inside words, between a letter and its accent.
    with (
        patch.object(_normalize, "_BLOCK", blocks[0]),
        patch.object(_normalize, "_FOLD_BLOCK", blocks[1]),
    ):
        _check_against_character_by_character_folding("".join(parts), leet)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.booleans())
def test_any_unicode_text_agrees_with_character_by_character_folding(text: str, leet: bool) -> None:
    _check_against_character_by_character_folding(text, leet)
