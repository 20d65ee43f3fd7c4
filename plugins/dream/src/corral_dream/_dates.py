"""Relative dates ("yesterday", "last week", "3 days ago") rewritten as absolute ones,
anchored at the day the entry was written."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "a": 1, "an": 1}


def _week_of(day: date) -> str:
    monday = day - timedelta(days=day.weekday())
    return f"the week of {monday.isoformat()}"


def _month_of(day: date, delta: int) -> str:
    month = day.month - 1 + delta
    year = day.year + month // 12
    return f"{year:04d}-{month % 12 + 1:02d}"


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word]


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], date], str]]
_N = r"(\d+|one|two|three|four|five|six|seven|an?)"
_RULES: list[_Rule] = [
    (re.compile(r"\btoday\b(?!')", re.I), lambda m, d: f"on {d.isoformat()}"),
    (re.compile(r"\btonight\b", re.I), lambda m, d: f"on the evening of {d.isoformat()}"),
    (re.compile(r"\byesterday\b(?!')", re.I),
     lambda m, d: f"on {(d - timedelta(days=1)).isoformat()}"),
    (re.compile(r"\btomorrow\b(?!')", re.I),
     lambda m, d: f"on {(d + timedelta(days=1)).isoformat()}"),
    (re.compile(rf"\b{_N} days? ago\b", re.I),
     lambda m, d: f"on {(d - timedelta(days=_count(m[1].lower()))).isoformat()}"),
    (re.compile(rf"\bin {_N} days?\b", re.I),
     lambda m, d: f"on {(d + timedelta(days=_count(m[1].lower()))).isoformat()}"),
    (re.compile(rf"\b{_N} weeks? ago\b", re.I),
     lambda m, d: _week_of(d - timedelta(weeks=_count(m[1].lower())))),
    (re.compile(r"\blast week\b", re.I), lambda m, d: _week_of(d - timedelta(weeks=1))),
    (re.compile(r"\bthis week\b", re.I), lambda m, d: _week_of(d)),
    (re.compile(r"\bnext week\b", re.I), lambda m, d: _week_of(d + timedelta(weeks=1))),
    (re.compile(r"\blast month\b", re.I), lambda m, d: f"in {_month_of(d, -1)}"),
    (re.compile(r"\bthis month\b", re.I), lambda m, d: f"in {_month_of(d, 0)}"),
    (re.compile(r"\bnext month\b", re.I), lambda m, d: f"in {_month_of(d, 1)}"),
    (re.compile(rf"\blast ({'|'.join(_WEEKDAYS)})\b", re.I),
     lambda m, d: f"on {_last_weekday(d, m[1].lower()).isoformat()}"),
    (re.compile(rf"\bnext ({'|'.join(_WEEKDAYS)})\b", re.I),
     lambda m, d: f"on {_next_weekday(d, m[1].lower()).isoformat()}"),
]


def _last_weekday(day: date, name: str) -> date:
    back = (day.weekday() - _WEEKDAYS.index(name)) % 7 or 7
    return day - timedelta(days=back)


def _next_weekday(day: date, name: str) -> date:
    ahead = (_WEEKDAYS.index(name) - day.weekday()) % 7 or 7
    return day + timedelta(days=ahead)


def absolutize(text: str, written: date) -> str:
    """``text`` with every relative date replaced by the date it meant on ``written``.
    Text inside backticks is left alone."""
    parts = re.split(r"(`[^`]*`)", text)
    for i, part in enumerate(parts):
        if part.startswith("`"):
            continue
        for pattern, render in _RULES:
            part = pattern.sub(lambda m, render=render: render(m, written), part)
        parts[i] = part
    return "".join(parts)
