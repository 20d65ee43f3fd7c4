"""Reading the JSON files of bundles and marketplaces, with problems as ``file:line``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import msgspec

_BYTE = re.compile(r"\(byte (\d+)\)")


class JsonProblem(Exception):
    """A JSON file that cannot be used; ``str()`` is ``file:line: problem``."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


def line_of(raw: bytes, *keys: str) -> int:
    """The line of the last of ``keys`` (nested object keys, each searched after the
    previous one) in the JSON text ``raw``; 1 when it cannot be found."""
    text = raw.decode("utf-8", "replace")
    at = 0
    for key in keys:
        found = re.compile(r'"' + re.escape(key) + r'"\s*:').search(text, at)
        if found is None:
            return 1
        at = found.start()
    return text.count("\n", 0, at) + 1


def read_object(path: Path) -> tuple[dict[str, Any], bytes]:
    """The JSON object in ``path`` and its bytes; :class:`JsonProblem` when it is not one."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JsonProblem(path, 1, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        doc = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        found = _BYTE.search(str(exc))
        line = raw.count(b"\n", 0, int(found.group(1))) + 1 if found else 1
        raise JsonProblem(path, line, f"invalid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise JsonProblem(path, 1, "expected a JSON object")
    return doc, raw
