"""Turning msgspec validation errors into messages that name the file and the key."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from corral.errors import ConfigError

# patterns compiled (by re's cache) when an error is first reported
_AT = r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$"
_UNKNOWN = r"Object contains unknown field `(?P<field>[^`]+)`"


def _dotted(path: str) -> str:
    path = path.lstrip(".")
    return re.sub(r"\[(\d+)\]", r"[\1]", path)


def _struct_at(root: type[Any], dotted: str) -> type[Any] | None:
    cls: Any = root
    for part in [p for p in dotted.split(".") if p]:
        if not (isinstance(cls, type) and issubclass(cls, msgspec.Struct)):
            return None
        match = {f.name: f.type for f in msgspec.structs.fields(cls)}
        if part not in match:
            return None
        cls = match[part]
    return cls if isinstance(cls, type) and issubclass(cls, msgspec.Struct) else None


def config_error(
    exc: msgspec.ValidationError, source: str, root_type: type[Any], prefix: str = ""
) -> ConfigError:
    """Build a :class:`ConfigError` for ``exc`` raised while validating ``source``.

    ``prefix`` is the key path of the validated table inside the file (``plugins.buddy``).
    """
    found = re.match(_AT, str(exc), re.S)
    message = found.group("msg") if found else str(exc)
    path = _dotted(found.group("path") or "") if found else ""
    unknown = re.match(_UNKNOWN, message)
    full = ".".join(p for p in (prefix, path) if p)
    if unknown:
        field = unknown.group("field")
        key = ".".join(p for p in (full, field) if p)
        problem = "unknown key"
        struct = _struct_at(root_type, path)
        if struct is not None:
            import difflib  # only for a bad key: a valid configuration never needs it

            names = [f.encode_name for f in msgspec.structs.fields(struct)]
            close = difflib.get_close_matches(field, names, n=1)
            if close:
                problem += f"; did you mean {close[0]!r}?"
            else:
                problem += f" (known keys: {', '.join(sorted(names))})"
        return ConfigError(source, key, problem)
    return ConfigError(source, full or "(top level)", message[0].lower() + message[1:])
