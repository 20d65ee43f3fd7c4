"""Redaction leaves no term behind, and findings never carry the matched text."""

from __future__ import annotations

from corral_undercover.matcher import Scanner
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import TERMS
from .test_evasion import disguised


def test_redaction_replaces_each_category(scanner: Scanner) -> None:
    text = "Capybara on wiki.corp.example in #team-capy, see go/capy-plan; v9.1.2 soon."
    redacted, found = scanner.redact(text)
    assert {f.category for f in found} == {"term", "host", "channel", "short_link", "pattern"}
    assert redacted == (
        "[redacted name] on [redacted host] in [redacted channel], see [redacted link]; "
        "[redacted identifier] soon."
    )
    assert scanner.scan(redacted) == []


def test_redaction_repeats_until_clean() -> None:
    # Removing the middle finding joins "cap" and "ybara" into a new one.
    scanner = Scanner(terms=[("terms[0]", "capybara"), ("terms[1]", "secret")])
    redacted, _ = scanner.redact("cap-secret-ybara")
    assert scanner.scan(redacted) == []


def test_placeholder_that_matches_a_term_falls_back_to_blocks() -> None:
    scanner = Scanner(terms=[("terms[0]", "redacted"), ("terms[1]", "falcon")])
    redacted, found = scanner.redact("falcon")
    assert found and scanner.scan(redacted) == []
    assert "falcon" not in redacted.lower()


@settings(max_examples=150, deadline=None)
@given(disguised(), st.text(alphabet="abc .,\n", max_size=20))
def test_redacted_text_holds_no_term(case: tuple[str, str], noise: str) -> None:
    _, variant = case
    scanner = build_scanner(Settings(terms=TERMS))
    redacted, found = scanner.redact(f"{noise} {variant} {noise}")
    assert found
    assert scanner.scan(redacted) == []


def test_findings_and_previews_never_contain_the_term(scanner: Scanner) -> None:
    text = "We ship CAPYBARA next week with Falcon on wiki.corp.example."
    for f in scanner.scan(text):
        line = f.describe()
        for secret in ("capybara", "falcon", "corp.example"):
            assert secret not in line.lower()
            assert secret not in f.preview.lower()
        assert "▒▒▒" in f.preview
