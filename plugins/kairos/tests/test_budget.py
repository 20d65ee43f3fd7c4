"""Budgets: calls per rolling hour, tokens and dollars per local day."""

from __future__ import annotations

from datetime import datetime, timedelta

from corral_kairos.budget import Budget


def test_calls_per_hour_stop_and_reset() -> None:
    budget = Budget(calls_per_hour=2)
    t0 = 1_780_000_000.0
    budget.record(t0, 10, 0.01)
    assert budget.exhausted(t0 + 1) is None
    budget.record(t0 + 10, 10, 0.01)
    stop = budget.exhausted(t0 + 20)
    assert stop is not None
    why, resets = stop
    assert "2 model calls" in why and resets == t0 + 3600
    assert budget.exhausted(t0 + 3600.5) is None  # the first call left the window
    assert budget.calls_left(t0 + 3611) == 2


def test_daily_cost_and_tokens_reset_at_local_midnight() -> None:
    evening = datetime(2026, 3, 3, 23, 0).timestamp()
    budget = Budget(cost_per_day_usd=1.0, tokens_per_day=1000)
    budget.record(evening, 400, 0.6)
    assert budget.exhausted(evening) is None
    budget.record(evening + 60, 100, 0.5)
    stop = budget.exhausted(evening + 120)
    assert stop is not None and "$1.10 spent today" in stop[0]
    assert stop[1] == datetime(2026, 3, 4, 0, 0).timestamp()
    after = (datetime(2026, 3, 4, 0, 0) + timedelta(minutes=1)).timestamp()
    assert budget.exhausted(after) is None
    assert budget.cost_left(after) == 1.0 and budget.tokens_left(after) == 1000
    budget.record(after, 1000, 0.0)
    tokens = budget.exhausted(after)
    assert tokens is not None and "1000 tokens today" in tokens[0]


def test_state_round_trip_keeps_counting() -> None:
    now = datetime(2026, 3, 3, 12, 0).timestamp()
    budget = Budget(calls_per_hour=3, cost_per_day_usd=2.0)
    budget.record(now, 5, 0.25)
    again = Budget(calls_per_hour=3, cost_per_day_usd=2.0, state=budget.state())
    assert again.calls_left(now + 1) == 2
    assert again.cost_left(now + 1) == 1.75
