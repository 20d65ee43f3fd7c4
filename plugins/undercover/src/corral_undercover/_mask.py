"""Masked previews and redaction: text with every finding's span replaced."""

from __future__ import annotations

from collections.abc import Sequence

#: What a masked span looks like in a preview.
MASK = "▒▒▒"


def merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of ``[start, end)`` spans."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def replace_spans(text: str, spans: Sequence[tuple[int, int]], placeholder: str) -> str:
    """``text`` with each span replaced by ``placeholder`` (spans merged first)."""
    out: list[str] = []
    pos = 0
    for start, end in merge_spans(spans):
        out.append(text[pos:start])
        out.append(placeholder)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def preview(
    text: str, span: tuple[int, int], all_spans: Sequence[tuple[int, int]], width: int = 16
) -> str:
    """A short window around ``span`` on one line, every finding inside it masked."""
    lo = max(0, span[0] - width)
    hi = min(len(text), span[1] + width)
    inside = [(max(s, lo) - lo, min(e, hi) - lo) for s, e in all_spans if s < hi and e > lo]
    window = replace_spans(text[lo:hi], inside, MASK)
    window = " ".join(window.split())
    return ("…" if lo > 0 else "") + window + ("…" if hi < len(text) else "")
