from __future__ import annotations

from corral.tools.builtin._html import html_to_text


def test_structure_kept_and_noise_dropped() -> None:
    title, text = html_to_text(
        "<html><head><title>T</title><script>x()</script></head><body>"
        "<nav><a href='#top'>skip</a></nav><h2>Sub  title</h2>"
        "<p>Para <b>bold</b> &amp; <a href='x/y.html'>rel</a></p>"
        "<table><tr><th>k</th><td>v</td></tr></table><img alt='a cat'>"
        "<noscript>enable js</noscript></body></html>",
        "https://example.test/docs/page.html",
    )
    assert title == "T"
    assert text.splitlines() == [
        "skip",
        "",
        "## Sub title",
        "",
        "Para bold & [rel](https://example.test/docs/x/y.html)",
        "",
        "| k | v",
        "[image: a cat]",
    ]


def test_plain_fragment() -> None:
    assert html_to_text("hello <i>world</i>") == ("", "hello world")
