"""Time rules: ``every`` intervals, five-field cron expressions and quiet hours.

Everything takes the current time as an argument (seconds since the epoch) so tests drive
it with a fake clock; local time is derived with :func:`time.localtime`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from corral_kairos.errors import KairosError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 6))


def parse_every(text: str) -> float:
    """``"90s"``, ``"30m"``, ``"1h30m"``, ``"2d"`` → seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhd])", text.strip().lower())
    if not parts or re.sub(r"[\d.\s smhd]", "", text.lower()):
        raise KairosError(
            f"plugins.kairos.schedule: every = {text!r} is not a duration; write it like "
            "\"90s\", \"30m\", \"1h30m\" or \"2d\""
        )
    seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if seconds <= 0:
        raise KairosError(f"plugins.kairos.schedule: every = {text!r} must be longer than 0")
    return seconds


class Cron:
    """A five-field cron expression (minute hour day month weekday; 0 = Sunday) with
    ``*``, lists, ranges and steps. Day and weekday combine with OR when both are given."""

    def __init__(self, text: str) -> None:
        self.text = text
        fields = text.split()
        if len(fields) != 5:
            raise KairosError(
                f"plugins.kairos.schedule: cron = {text!r} needs five fields "
                "(minute hour day month weekday)"
            )
        self.sets = [_field(f, name, lo, hi) for f, (name, lo, hi) in zip(fields, _FIELDS, strict=True)]
        self.day_star = fields[2] == "*"
        self.weekday_star = fields[4] == "*"

    def matches(self, when: datetime) -> bool:
        minute, hour, day, month, weekday = self.sets
        if when.minute not in minute or when.hour not in hour or when.month not in month:
            return False
        dow = (when.weekday() + 1) % 7
        if self.day_star or self.weekday_star:
            return when.day in day and dow in weekday
        return when.day in day or dow in weekday

    def next_after(self, now: float) -> float:
        """The first matching minute strictly after ``now`` (within about a year)."""
        when = datetime.fromtimestamp(now).replace(second=0, microsecond=0) + timedelta(minutes=1)
        for _ in range(366 * 24 * 60):
            if self.matches(when):
                return when.timestamp()
            when += timedelta(minutes=1)
        raise KairosError(f"plugins.kairos.schedule: cron = {self.text!r} never matches")


def _field(text: str, name: str, lo: int, hi: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        match = re.fullmatch(r"(\*|\d+(?:-\d+)?)(?:/(\d+))?", part)
        if match is None:
            raise KairosError(f"plugins.kairos.schedule: cron {name} field {part!r} is invalid")
        span, step = match.group(1), int(match.group(2) or 1)
        if span == "*":
            start, end = lo, hi
        elif "-" in span:
            start, end = (int(x) for x in span.split("-"))
        else:
            start = end = int(span)
        if name == "weekday" and end == 7:
            end = 6 if start < 7 else 0
            values.add(0)
        if not (lo <= start <= hi and lo <= end <= hi and start <= end and step > 0):
            raise KairosError(
                f"plugins.kairos.schedule: cron {name} field {part!r} is outside {lo}-{hi}"
            )
        values.update(range(start, end + 1, step))
    return values


class QuietHours:
    """Local-time windows such as ``"22:00-07:00"`` (a window may cross midnight)."""

    def __init__(self, windows: list[str]) -> None:
        self.windows = [_window(w) for w in windows]

    def end_of_quiet(self, now: float) -> float | None:
        """When the quiet window around ``now`` ends, or ``None`` when ``now`` is not quiet."""
        local = datetime.fromtimestamp(now)
        minute = local.hour * 60 + local.minute
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for start, end in self.windows:
            if start <= end and start <= minute < end:
                return (midnight + timedelta(minutes=end)).timestamp()
            if start > end and minute >= start:
                return (midnight + timedelta(days=1, minutes=end)).timestamp()
            if start > end and minute < end:
                return (midnight + timedelta(minutes=end)).timestamp()
        return None


def _window(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if match is None:
        raise KairosError(
            f"plugins.kairos.quiet_hours: {text!r} is not a window; write it like \"22:00-07:00\""
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
        raise KairosError(f"plugins.kairos.quiet_hours: {text!r} has an impossible time")
    return h1 * 60 + m1, h2 * 60 + m2


class Scheduled:
    """One schedule entry with its next due time."""

    def __init__(self, prompt: str, *, every: str | None, cron: str | None, now: float) -> None:
        if (every is None) == (cron is None):
            raise KairosError(
                f"plugins.kairos.schedule: the entry for {prompt[:40]!r} needs exactly one of "
                "every or cron"
            )
        self.prompt = prompt
        self.every = parse_every(every) if every is not None else None
        self.cron = Cron(cron) if cron is not None else None
        self.label = f"every {every}" if every is not None else f"cron {cron}"
        self.next_due = self._after(now)

    def _after(self, now: float) -> float:
        if self.every is not None:
            return now + self.every
        assert self.cron is not None
        return self.cron.next_after(now)

    def take_if_due(self, now: float) -> bool:
        if now < self.next_due:
            return False
        self.next_due = self._after(now)
        return True
