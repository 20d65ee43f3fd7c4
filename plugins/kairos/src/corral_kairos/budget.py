"""Spending limits of kairos-started work: model calls per hour, tokens and cost per day."""

from __future__ import annotations

import time
from collections import deque
from datetime import datetime, timedelta

import msgspec


class BudgetState(msgspec.Struct, kw_only=True):
    """What has been spent; persisted by the daemon so a restart keeps counting."""

    call_times: list[float] = msgspec.field(default_factory=list)
    day: str = ""
    tokens_today: int = 0
    cost_today_usd: float = 0.0


class Budget:
    """Counts the model calls of kairos-started turns and says when a limit is reached."""

    def __init__(
        self,
        *,
        calls_per_hour: int = 0,
        tokens_per_day: int = 0,
        cost_per_day_usd: float = 0.0,
        state: BudgetState | None = None,
    ) -> None:
        self.calls_per_hour = calls_per_hour
        self.tokens_per_day = tokens_per_day
        self.cost_per_day_usd = cost_per_day_usd
        state = state or BudgetState()
        self.calls: deque[float] = deque(state.call_times)
        self.day = state.day
        self.tokens_today = state.tokens_today
        self.cost_today = state.cost_today_usd

    def state(self) -> BudgetState:
        return BudgetState(call_times=list(self.calls), day=self.day,
                           tokens_today=self.tokens_today, cost_today_usd=self.cost_today)

    def _roll(self, now: float) -> None:
        while self.calls and self.calls[0] <= now - 3600:
            self.calls.popleft()
        today = _day(now)
        if today != self.day:
            self.day, self.tokens_today, self.cost_today = today, 0, 0.0

    def record(self, now: float, tokens: int, cost_usd: float | None) -> None:
        """Count one model call of a kairos-started turn."""
        self._roll(now)
        self.calls.append(now)
        self.tokens_today += tokens
        self.cost_today += cost_usd or 0.0

    def calls_left(self, now: float) -> int | None:
        """Calls still allowed this rolling hour (``None``: no limit)."""
        self._roll(now)
        if not self.calls_per_hour:
            return None
        return max(0, self.calls_per_hour - len(self.calls))

    def cost_left(self, now: float) -> float | None:
        self._roll(now)
        if not self.cost_per_day_usd:
            return None
        return max(0.0, self.cost_per_day_usd - self.cost_today)

    def tokens_left(self, now: float) -> int | None:
        self._roll(now)
        if not self.tokens_per_day:
            return None
        return max(0, self.tokens_per_day - self.tokens_today)

    def exhausted(self, now: float) -> tuple[str, float] | None:
        """``(why, resets_at)`` when a limit is reached, else ``None``."""
        calls = self.calls_left(now)
        if calls == 0:
            return (f"{self.calls_per_hour} model calls in the last hour",
                    self.calls[0] + 3600 if self.calls else now)
        tokens = self.tokens_left(now)
        if tokens == 0:
            return (f"{self.tokens_today} tokens today (limit {self.tokens_per_day})",
                    _next_midnight(now))
        cost = self.cost_left(now)
        if cost is not None and cost <= 0:
            return (f"${self.cost_today:.2f} spent today (limit ${self.cost_per_day_usd:.2f})",
                    _next_midnight(now))
        return None

    def summary(self, now: float | None = None) -> dict[str, object]:
        now = time.time() if now is None else now
        self._roll(now)
        return {
            "calls_last_hour": len(self.calls),
            "calls_left": self.calls_left(now),
            "tokens_today": self.tokens_today,
            "tokens_left": self.tokens_left(now),
            "cost_today_usd": round(self.cost_today, 6),
            "cost_left_usd": self.cost_left(now),
        }


def _day(now: float) -> str:
    return datetime.fromtimestamp(now).strftime("%Y-%m-%d")


def _next_midnight(now: float) -> float:
    local = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return (local + timedelta(days=1)).timestamp()
