"""Typed per-object state: a :class:`Stash` holds values under :class:`StashKey` objects.

A module that keeps state on a session makes one key at import time and uses it for every
read and write; the key's type parameter says what the value is, so readers need no cast
and two modules can never clash on a string::

    TODOS: StashKey[TodoList] = StashKey("todos")

    todos = session.stash.setdefault(TODOS, TodoList())
    if AUTO_BACKGROUND_S in session.stash: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast, overload

T = TypeVar("T")
D = TypeVar("D")


class StashKey(Generic[T]):
    """A key of a :class:`Stash`; keys compare by identity. ``name`` is only for reprs."""

    __slots__ = ("name",)

    def __init__(self, name: str = "") -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"StashKey({self.name!r})"


class Stash:
    """Values of any type, each under its own :class:`StashKey`."""

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[StashKey[Any], Any] = {}

    def __setitem__(self, key: StashKey[T], value: T) -> None:
        self._data[key] = value

    def __getitem__(self, key: StashKey[T]) -> T:
        return cast(T, self._data[key])

    @overload
    def get(self, key: StashKey[T]) -> T | None: ...
    @overload
    def get(self, key: StashKey[T], default: D) -> T | D: ...
    def get(self, key: StashKey[T], default: object = None) -> object:
        return self._data.get(key, default)

    def setdefault(self, key: StashKey[T], default: T) -> T:
        return cast(T, self._data.setdefault(key, default))

    def get_or_create(self, key: StashKey[T], make: Callable[[], T]) -> T:
        """The value under ``key``; made with ``make()`` and stored on first use."""
        if key not in self._data:
            self._data[key] = make()
        return cast(T, self._data[key])

    def pop(self, key: StashKey[T], default: T | None = None) -> T | None:
        return cast("T | None", self._data.pop(key, default))

    def __delitem__(self, key: StashKey[Any]) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)
