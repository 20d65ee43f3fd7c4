"""Errors of the memory layer."""

from __future__ import annotations

from corral.errors import CorralError


class MemoryStoreError(CorralError):
    """The memory store could not do what was asked (a lock timeout, an unknown id)."""


class InvalidEntry(MemoryStoreError):
    """An entry's fields are out of range (empty text, importance outside 1..5, bad topic)."""


class UnknownEntry(MemoryStoreError):
    """No entry has the given id."""


class CorruptFile(MemoryStoreError):
    """A topic file failed to parse (it is moved aside as ``*.corrupt``)."""
