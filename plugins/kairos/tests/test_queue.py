"""Priorities of the daemon's input queue."""

from __future__ import annotations

import asyncio

import pytest
from corral_kairos.queue import InputQueue


def test_user_then_bridge_then_schedule_then_tick_fifo_within_a_priority() -> None:
    async def scenario() -> list[tuple[str, str]]:
        queue = InputQueue()
        queue.put("tick", "t1")
        queue.put("bridge", "b1")
        queue.put("schedule", "s1")
        queue.put("user", "u1")
        queue.put("bridge", "b2")
        out = []
        while (item := queue.get_nowait()) is not None:
            out.append((item.origin, item.text))
        assert not queue.put_event.is_set()
        return out

    assert asyncio.run(scenario()) == [
        ("user", "u1"), ("bridge", "b1"), ("bridge", "b2"), ("schedule", "s1"), ("tick", "t1")
    ]


def test_unknown_origin_is_refused() -> None:
    async def scenario() -> None:
        InputQueue().put("robot", "x")

    with pytest.raises(ValueError, match="unknown input origin"):
        asyncio.run(scenario())
