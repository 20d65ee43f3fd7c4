"""The daemon's input queue: user input first, then bridge commands, schedules, ticks."""

from __future__ import annotations

import asyncio
import itertools

import msgspec

#: Lower runs first. Ticks are only made when the queue is empty, and always come last.
PRIORITY = {"user": 0, "bridge": 1, "schedule": 2, "tick": 3}


class Item(msgspec.Struct, frozen=True, kw_only=True, order=True):
    priority: int
    seq: int
    origin: str
    text: str


class InputQueue:
    def __init__(self) -> None:
        self._queue: asyncio.PriorityQueue[Item] = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self.put_event = asyncio.Event()

    def put(self, origin: str, text: str) -> Item:
        if origin not in PRIORITY:
            raise ValueError(f"unknown input origin {origin!r}; one of {sorted(PRIORITY)}")
        item = Item(priority=PRIORITY[origin], seq=next(self._seq), origin=origin, text=text)
        self._queue.put_nowait(item)
        self.put_event.set()
        return item

    def empty(self) -> bool:
        return self._queue.empty()

    def qsize(self) -> int:
        return self._queue.qsize()

    def get_nowait(self) -> Item | None:
        if self._queue.empty():
            self.put_event.clear()
            return None
        item = self._queue.get_nowait()
        if self._queue.empty():
            self.put_event.clear()
        return item
