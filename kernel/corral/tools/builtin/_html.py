"""Readable text from HTML, with the standard library's parser.

Scripts, styles and other non-content elements are dropped; block elements start new
lines; headings get ``#`` marks, list items ``-``, links ``[text](href)``; ``<pre>`` keeps
its whitespace and other text has its whitespace collapsed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

_SKIP = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tr", "ul", "br", "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


class _Extractor(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.out: list[str] = []
        self.title = ""
        self._skip = 0
        self._pre = 0
        self._in_title = False
        self._href: str | None = None
        self._link_start = 0

    def _newline(self, blank: bool = False) -> None:
        """End the current line (and leave a blank one if ``blank``), unless already done."""
        tail = ""
        for piece in reversed(self.out):
            tail = piece + tail
            if len(tail) >= 2 or piece.strip(" "):
                break
        have = len(tail) - len(tail.rstrip("\n"))
        if not self.out:
            return
        missing = (2 if blank else 1) - have
        if missing > 0:
            self.out.append("\n" * missing)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip += 1
            return
        if self._skip:
            return
        if tag in _BLOCK:
            self._newline(blank=tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table"})
        if tag.startswith("h") and tag[1:].isdigit():
            self.out.append("#" * int(tag[1:]) + " ")
        elif tag == "li":
            self.out.append("- ")
        elif tag == "pre":
            self._pre += 1
        elif tag in {"td", "th"}:
            self.out.append("| " if not self.out or self.out[-1].endswith("\n") else " | ")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith(("javascript:", "#")):
                self._href = urljoin(self.base_url, href)
                self._link_start = len(self.out)
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.out.append(f"[image: {alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag == "a" and self._href is not None:
            label = "".join(self.out[self._link_start :]).strip()
            del self.out[self._link_start :]
            self.out.append(f"[{label}]({self._href})" if label else self._href)
            self._href = None
        if tag in _BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._skip:
            return
        if self._pre:
            self.out.append(data)
            return
        text = _SPACES.sub(" ", data)
        if not self.out or self.out[-1].endswith(("\n", "- ", "# ")):
            text = text.lstrip()
        if text:
            self.out.append(text)


def html_to_text(html: str, base_url: str = "") -> tuple[str, str]:
    """``(title, text)`` of an HTML document."""
    parser = _Extractor(base_url)
    parser.feed(html)
    parser.close()
    raw = "".join(parser.out)
    lines = [line.rstrip() for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return _SPACES.sub(" ", parser.title).strip(), text
