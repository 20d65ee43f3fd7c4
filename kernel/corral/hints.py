"""Resolve a msgspec Struct's string annotations once, before msgspec reads them.

Every corral module starts with ``from __future__ import annotations``, so each field's type
is a string. msgspec resolves those strings itself the first time it meets a class (a
decoder, ``convert``, a JSON schema) through one ``typing.ForwardRef`` per field -- a
``compile`` and an ``eval`` each -- and ``msgspec.json.schema`` does it all twice (once for
the decoder it builds to validate the type, once in ``msgspec.inspect``).
:func:`resolve_annotations` does that work once per class, right before the call that makes
msgspec read the class, and writes back into the class's ``__annotations__`` every value
msgspec would have arrived at itself, so msgspec finds nothing left to evaluate.

Why the result is exactly msgspec's own:

- each string is compiled on its own, as ``typing.ForwardRef`` compiles it (same text, file
  name, mode and flags), and run in the namespaces msgspec gives it: a copy of the class's
  namespace as globals and its module's namespace as locals;
- a value is written back only where resolving it again changes nothing: a class, or a
  generic alias (``list[A]``, ``A | None``, ``Literal[...]``, ``Annotated[A, ...]``) with no
  string or forward reference inside; ``None`` becomes ``NoneType``, as typing makes it;
- everything else -- a name that does not exist (yet), a bare special form, a type variable,
  a forward reference nested in a generic, a class with type parameters -- stays the string
  it was, for msgspec to resolve (or report) as it always has;
- it runs when msgspec would resolve the class (nothing is resolved ahead of use, no value is
  kept between processes), and a class once resolved simply has no strings left.

What is kept is the compiling: equal strings share one code object, and
:func:`save_code_cache` keeps them on disk for the next process, in a file named by
everything compiling depends on besides the text itself (see the code cache below).
"""

from __future__ import annotations

import contextlib
import marshal
import sys
import types
import typing
from pathlib import Path
from typing import Any, ForwardRef

import msgspec

#: Origins ``typing`` refuses as a field's type: left as strings so msgspec reports them.
_INVALID_ORIGINS: tuple[Any, ...] = (typing.Generic, typing.Protocol)
#: The value of an annotation whose evaluation raised.
_FAILED = object()


def resolve_annotations(tp: Any) -> None:
    """Resolve, in place, the string annotations of ``tp`` -- a Struct class or a type built
    from Structs (``list[A]``, ``A | B | None``, ``Annotated[A, ...]``) -- and of every
    Struct class their resolved types reach. Any number of calls is safe."""
    _walk(tp, set())


def _walk(tp: Any, seen: set[int]) -> None:
    if id(tp) in seen:
        return
    seen.add(id(tp))
    if isinstance(tp, type) and not isinstance(tp, types.GenericAlias):
        if issubclass(tp, msgspec.Struct):
            for cls in tp.__mro__:
                for value in _resolve_class(cls):
                    _walk(value, seen)
        return
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        _walk(typing.get_args(tp)[0], seen)
        return
    if origin is not None and origin is not typing.Literal:
        _walk(origin, seen)
        for arg in typing.get_args(tp):
            _walk(arg, seen)


def _resolve_class(cls: type) -> list[Any]:
    """Resolve ``cls``'s own string annotations where that is exact; return all its
    annotation values."""
    annotations = cls.__dict__.get("__annotations__")
    if type(annotations) is not dict:
        return []
    names = [name for name, value in annotations.items() if type(value) is str]
    if names and not getattr(cls, "__type_params__", ()):
        module = sys.modules.get(cls.__module__)
        module_ns = getattr(module, "__dict__", {})
        class_ns = dict(vars(cls))
        for name in names:
            value = _evaluate(annotations[name], class_ns, module_ns)
            if value is None:
                value = type(None)
            if value is not _FAILED and _final(value):
                annotations[name] = value
    return list(annotations.values())


def _evaluate(source: str, class_ns: dict[str, Any], module_ns: dict[str, Any]) -> Any:
    try:
        return eval(_compiled(source), class_ns, module_ns)  # noqa: S307 - a class's own annotation
    except Exception:
        return _FAILED


def _compiled(source: str) -> types.CodeType:
    """``source`` compiled as ``typing.ForwardRef`` compiles it, from the code cache when
    that holds it."""
    codes = _codes()
    code = codes.get(source)
    if code is None:
        code = compile(source, "<string>", "eval", dont_inherit=True)
        if len(codes) < _MAX_CODES:
            codes[source] = code
            _state["dirty"] = True
    return code


# -- the code cache ----------------------------------------------------------------------
# Compiling is a pure function of the source text, given the interpreter (its bytecode
# format: implementation tag and magic number), the optimisation level and compile's own
# arguments (fixed above, versioned by _CODE_FORMAT). The cache file is named by all of
# those, and maps each source text to its code object -- the same key a ``.pyc`` file
# relies on. A file that cannot be read or is not such a mapping counts as empty.

_CODE_FORMAT = 1
_MAX_CODES = 8192
_state: dict[str, Any] = {"codes": None, "dirty": False}


def _codes() -> dict[str, types.CodeType]:
    codes: dict[str, types.CodeType] | None = _state["codes"]
    if codes is None:
        codes = _state["codes"] = _load_codes()
    return codes


def code_cache_file() -> Path:
    """The file compiled annotations are kept in between processes."""
    try:  # the import system's own copy, loaded with the interpreter
        from _frozen_importlib_external import MAGIC_NUMBER
    except ImportError:  # pragma: no cover - another Python implementation
        from importlib.util import MAGIC_NUMBER

    from corral.paths import user_cache_dir

    name = (f"{sys.implementation.cache_tag}-{MAGIC_NUMBER.hex()}-O{sys.flags.optimize}"
            f"-v{_CODE_FORMAT}.marshal")
    return user_cache_dir() / "annotations" / name


def _load_codes() -> dict[str, types.CodeType]:
    try:
        data = marshal.loads(code_cache_file().read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if type(data) is not dict:
        return {}
    return {k: v for k, v in data.items() if type(k) is str and type(v) is types.CodeType}


def save_code_cache() -> None:
    """Keep what this process compiled for the next one (nothing happens when it compiled
    nothing new). A write that fails is ignored: the cache only saves time."""
    if not _state["dirty"]:
        return
    _state["dirty"] = False
    from corral.atomic import write_atomic  # its temp names, and the clean-up of stale ones

    with contextlib.suppress(OSError):
        write_atomic(code_cache_file(), marshal.dumps(_codes()))


def _final(value: Any) -> bool:
    """Whether msgspec resolving ``value`` again yields ``value`` unchanged (and typing
    accepts it as a field's type)."""
    if isinstance(value, type) and not isinstance(value, types.GenericAlias):
        return True
    origin = typing.get_origin(value)
    if origin is None or origin in _INVALID_ORIGINS:
        return False
    return not _holds_reference(value)


def _holds_reference(value: Any) -> bool:
    """Whether ``value`` holds a string or a ForwardRef that typing would evaluate."""
    if isinstance(value, (str, ForwardRef)):
        return True
    if isinstance(value, (list, tuple)):  # ``Callable``'s parameter list
        return any(_holds_reference(item) for item in value)
    origin = typing.get_origin(value)
    if origin is None or origin is typing.Literal:
        return False  # a Literal's strings are values, not references
    args = typing.get_args(value)
    if origin is typing.Annotated:
        args = args[:1]  # the metadata is never evaluated
    return any(_holds_reference(arg) for arg in args)
