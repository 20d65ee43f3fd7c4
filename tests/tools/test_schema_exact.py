"""Tool input schemas built with :func:`corral.hints.resolve_annotations` are exactly
the ones msgspec builds from the untouched classes, for every tool the kernel and the
installed plugins register; and the resolution handles the corner cases the same way msgspec
does (or leaves them to msgspec)."""

from __future__ import annotations

import importlib.util
import json
import marshal
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest
from corral import hints
from corral.hints import resolve_annotations
from corral.testing import MessagesServer, text
from corral.tools._schema import build_schemas, inlined, struct_schema

#: Run in a fresh process: every registered tool's input schema, either msgspec's own from
#: the untouched classes ("reference") or corral's (all at once, as a request lists them),
#: the schemas of the configuration's Structs App.create converted to, and how many string
#: annotations all those classes still hold, as JSON.
PROBE = """
import json, os, sys, tempfile
from pathlib import Path
if sys.argv[1] == "reference":  # msgspec alone, from the classes as written
    import corral.hints
    corral.hints.resolve_annotations = lambda tp: None
import msgspec
from corral.app import App
from corral.config.schema import Config
from corral.session import Session
from corral.tools.registry import collect_tools
from corral.tools._schema import inlined

def strings(types):
    return sum(isinstance(v, str) for t in types for c in t.__mro__
               for v in c.__dict__.get("__annotations__", {}).values())

home = tempfile.mkdtemp()
app = App.create(cwd=Path(home))
tools = [t for t in collect_tools(Session(app, headless=True)).values() if t.generated_schema()]
if sys.argv[1] == "reference":
    schemas = {t.name: inlined(msgspec.json.schema(t.input_type)) for t in tools}
else:
    from corral.engine.request import tool_schemas
    schemas = {s["name"]: s["input_schema"] for s in tool_schemas(tools)}
# The configuration's Structs, which App.create converted every layer to.
settings = {"Config": Config, **app.host.settings_types}
types = [t.input_type for t in tools] + list(settings.values())
config = {name: msgspec.json.schema(t) for name, t in settings.items()}
print(json.dumps({"schemas": schemas, "config": config, "strings": strings(types)}))
"""


def _probe(mode: str, home: Path) -> dict[str, Any]:
    env = dict(os.environ, CORRAL_HOME=str(home))
    out = subprocess.run([sys.executable, "-c", PROBE, mode], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


def test_every_registered_tool_schema_is_msgspecs_own(tmp_path: Path) -> None:
    reference = _probe("reference", tmp_path / "a")
    ours = _probe("corral", tmp_path / "b")
    assert {"Bash", "Grep", "Read", "TodoWrite"} <= set(reference["schemas"])
    assert ours["schemas"] == reference["schemas"]
    assert "Config" in reference["config"]
    assert ours["config"] == reference["config"]
    # The reference was built from the string annotations as written (msgspec never
    # changes them); corral's path resolved nearly all of them before msgspec read them.
    assert reference["strings"] > 0
    assert ours["strings"] < reference["strings"] // 4


# -- corner cases: two fresh copies of the same modules, one left to msgspec alone --------

SHARED = """
from __future__ import annotations

import enum
import msgspec

class Colour(enum.Enum):
    RED = "red"

class Shared(msgspec.Struct):
    '''Defined in another module.'''
    colour: Colour
    weight: float | None = None
"""

MAIN = """
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, Optional, Union

import msgspec

from {shared} import Shared
import {shared} as shared_module

if TYPE_CHECKING:
    from decimal import Decimal

Kind = Literal["file", "dir"]
MAX = 5

class Base(msgspec.Struct, kw_only=True):
    base_note: Optional[str] = None

class Params(Base, kw_only=True):
    '''Every shape a tool input takes.'''
    later: Later
    maybe_later: Optional[Later] = None
    kinds: list[Kind] = []
    mode: Literal["a", "b"] = "a"
    count: Annotated[int, msgspec.Meta(ge=1, le=MAX, description="how many")] = 1
    union: Union[int, str] = 0
    shared: Shared | None = None
    qualified: shared_module.Shared | None = None
    mapping: dict[str, list[Later]] = {{}}
    quoted: list["Later"] = []
    noted: Annotated[str, "a plain note"] = ""
    limit: ClassVar[int] = 3

class Later(msgspec.Struct):
    name: str
    sibling: Optional[Shared] = None

Token = int

class Shadow(msgspec.Struct):
    Token = str  # a class attribute of the same name as a module global
    value: Token

class OnlyTypeChecking(msgspec.Struct):
    price: Decimal
    label: str = ""
"""


def _load(tmp_path: Path, tag: str) -> ModuleType:
    """A fresh copy of the two modules, under names of its own."""
    shared, main = f"corner_shared_{tag}", f"corner_main_{tag}"
    (tmp_path / f"{shared}.py").write_text(textwrap.dedent(SHARED))
    (tmp_path / f"{main}.py").write_text(textwrap.dedent(MAIN.format(shared=shared)))
    sys.path.insert(0, str(tmp_path))
    try:
        for name in (shared, main):
            spec = importlib.util.spec_from_file_location(name, tmp_path / f"{name}.py")
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        return sys.modules[main]
    finally:
        sys.path.remove(str(tmp_path))


@pytest.fixture
def copies(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[ModuleType, ModuleType]:
    tag = request.node.name.replace("[", "_").replace("]", "").replace("-", "_")
    return _load(tmp_path, f"{tag}_ref"), _load(tmp_path, f"{tag}_ours")


def test_corner_cases_give_msgspecs_schema(copies: tuple[ModuleType, ModuleType]) -> None:
    reference, ours = copies
    resolve_annotations(ours.Params)
    assert struct_schema(ours.Params) == inlined(msgspec.json.schema(reference.Params))


def test_resolved_values_are_types_and_the_rest_stays_for_msgspec(
        copies: tuple[ModuleType, ModuleType]) -> None:
    _, ours = copies
    resolve_annotations(ours.Params)
    own = ours.Params.__annotations__
    assert own["later"] is ours.Later  # defined after Params in its module
    assert own["shared"] == ours.Shared | None  # imported from another module
    assert ours.Later.__annotations__["sibling"] == ours.Shared | None  # reached through Params
    assert ours.Base.__annotations__["base_note"] == str | None  # a base class, in the MRO
    assert own["quoted"] == "list['Later']"  # a forward reference nested in a generic
    shared_module = sys.modules[ours.Shared.__module__]
    assert ours.Shared.__annotations__["colour"] is shared_module.Colour


def test_a_name_only_under_type_checking_fails_in_msgspec_as_before(
        copies: tuple[ModuleType, ModuleType]) -> None:
    reference, ours = copies
    resolve_annotations(ours.OnlyTypeChecking)
    assert ours.OnlyTypeChecking.__annotations__ == {"price": "Decimal", "label": str}
    with pytest.raises(NameError) as theirs_error:
        msgspec.json.schema(reference.OnlyTypeChecking)
    with pytest.raises(NameError) as our_error:
        struct_schema(ours.OnlyTypeChecking)
    assert str(our_error.value) == str(theirs_error.value)


def test_a_struct_built_at_run_time_shows_its_current_literal() -> None:
    def agent_input(names: tuple[str, ...]) -> type[msgspec.Struct]:
        return msgspec.defstruct("AgentInput", [("agent", msgspec.inspect.Literal[names])])  # type: ignore[attr-defined]

    first, second = agent_input(("a", "b")), agent_input(("a", "b", "c"))
    assert struct_schema(first)["properties"]["agent"]["enum"] == ["a", "b"]
    assert struct_schema(second)["properties"]["agent"]["enum"] == ["a", "b", "c"]


def test_names_are_looked_up_where_msgspec_looks_them_up(
        copies: tuple[ModuleType, ModuleType]) -> None:
    reference, ours = copies
    resolve_annotations(ours.Shadow)
    assert ours.Shadow.__annotations__["value"] is int  # the module's name wins, as in msgspec
    assert struct_schema(ours.Shadow) == inlined(msgspec.json.schema(reference.Shadow))


def test_a_failing_type_in_a_batch_fails_alone(copies: tuple[ModuleType, ModuleType]) -> None:
    _, ours = copies
    with pytest.raises(NameError, match="Decimal"):
        build_schemas([ours.Later, ours.OnlyTypeChecking, ours.Shadow])
    # The others are described as they are one by one.
    assert struct_schema(ours.Later) == inlined(msgspec.json.schema(ours.Later))
    assert struct_schema(ours.Shadow)["properties"]["value"] == {"type": "integer"}


# -- the code cache ------------------------------------------------------------------------


def test_compiled_annotations_are_kept_for_the_next_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRAL_HOME", str(tmp_path / "home"))
    monkeypatch.setitem(hints._state, "codes", None)  # as a new process starts
    monkeypatch.setitem(hints._state, "dirty", False)
    first = _load(tmp_path, "cache_first")
    resolve_annotations(first.Params)
    hints.save_code_cache()
    path = hints.code_cache_file()
    assert path.is_file()
    assert sys.implementation.cache_tag in path.name
    assert importlib.util.MAGIC_NUMBER.hex() in path.name
    kept = hints._load_codes()
    assert "Optional[Later]" in kept and "Literal['a', 'b']" in kept

    monkeypatch.setitem(hints._state, "codes", None)  # the next process
    second = _load(tmp_path, "cache_second")
    resolve_annotations(second.Params)
    assert hints._state["dirty"] is False  # nothing had to be compiled
    reference = _load(tmp_path, "cache_reference")
    assert struct_schema(second.Params) == inlined(msgspec.json.schema(reference.Params))


def test_an_unreadable_code_cache_counts_as_empty(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRAL_HOME", str(tmp_path / "home"))
    monkeypatch.setitem(hints._state, "codes", None)
    monkeypatch.setitem(hints._state, "dirty", False)
    path = hints.code_cache_file()
    path.parent.mkdir(parents=True)
    for junk in (b"", b"\x00" * 64, marshal.dumps(["not", "a", "mapping"]),
                 marshal.dumps({"int": "not code", 3: compile("int", "<string>", "eval")})):
        path.write_bytes(junk)
        assert hints._load_codes() == {}
    ours = _load(tmp_path, "junk_cache")
    resolve_annotations(ours.Params)
    assert ours.Params.__annotations__["later"] is ours.Later
    hints.save_code_cache()
    assert "Later" in hints._load_codes()  # the junk was replaced


def test_a_run_keeps_what_it_compiled_and_the_next_run_compiles_nothing(
        anthropic_server: MessagesServer, project: Path) -> None:
    path = hints.code_cache_file()  # under the test's own CORRAL_HOME
    stats = []
    for _ in range(2):
        anthropic_server.enqueue(text("done"))
        done = subprocess.run([sys.executable, "-m", "corral", "-p", "hello"], cwd=project,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr[-2000:]
        stat = path.stat()
        stats.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
    kept = hints._load_codes()
    assert "str | None" in kept  # the configuration's and the events' Structs
    assert any("run with `bash -c`" in source for source in kept)  # Bash's input
    assert stats[1] == stats[0]  # the second run found everything compiled: no new write
