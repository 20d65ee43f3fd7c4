"""Durations, cron expressions and quiet hours."""

from __future__ import annotations

from datetime import datetime

import pytest
from corral_kairos.errors import KairosError
from corral_kairos.timing import Cron, QuietHours, Scheduled, parse_every


def test_every_parses_units_and_rejects_garbage() -> None:
    assert parse_every("90s") == 90
    assert parse_every("1h30m") == 5400
    assert parse_every("2d") == 172800
    with pytest.raises(KairosError, match="not a duration"):
        parse_every("soon")


def test_cron_fields_and_next_time() -> None:
    weekday_nine = Cron("0 9 * * 1-5")
    monday = datetime(2026, 11, 23, 9, 0)  # a Monday
    assert weekday_nine.matches(monday)
    assert not weekday_nine.matches(datetime(2026, 11, 22, 9, 0))  # Sunday
    assert not weekday_nine.matches(datetime(2026, 11, 23, 9, 1))
    nxt = weekday_nine.next_after(datetime(2026, 11, 27, 10, 0).timestamp())  # Friday 10:00
    assert datetime.fromtimestamp(nxt) == datetime(2026, 11, 30, 9, 0)  # next Monday
    assert Cron("*/15 * * * *").next_after(datetime(2026, 1, 1, 0, 1).timestamp()) == \
        datetime(2026, 1, 1, 0, 15).timestamp()
    with pytest.raises(KairosError, match="five fields"):
        Cron("* * *")
    with pytest.raises(KairosError, match="outside"):
        Cron("61 * * * *")


def test_quiet_hours_cross_midnight() -> None:
    quiet = QuietHours(["22:00-07:00", "12:00-12:30"])
    assert quiet.end_of_quiet(datetime(2026, 5, 1, 23, 15).timestamp()) == \
        datetime(2026, 5, 2, 7, 0).timestamp()
    assert quiet.end_of_quiet(datetime(2026, 5, 2, 6, 59).timestamp()) == \
        datetime(2026, 5, 2, 7, 0).timestamp()
    assert quiet.end_of_quiet(datetime(2026, 5, 2, 12, 10).timestamp()) == \
        datetime(2026, 5, 2, 12, 30).timestamp()
    assert quiet.end_of_quiet(datetime(2026, 5, 2, 7, 0).timestamp()) is None
    with pytest.raises(KairosError, match="not a window"):
        QuietHours(["late"])


def test_schedule_every_comes_due_once_per_period() -> None:
    item = Scheduled("check CI", every="30m", cron=None, now=1000.0)
    assert not item.take_if_due(1000.0 + 1799)
    assert item.take_if_due(1000.0 + 1800)
    assert not item.take_if_due(1000.0 + 1801)
    assert item.next_due == 1000.0 + 3600
    with pytest.raises(KairosError, match="exactly one"):
        Scheduled("x", every="1m", cron="* * * * *", now=0)
