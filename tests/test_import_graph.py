"""The kernel's import graph, read from its source: no cycles, and layers that run one way.

Every import counts, at module level or inside a function (an import hidden in a function to
dodge a cycle is a cycle all the same); only imports under ``if TYPE_CHECKING:`` are left
out, since they never run. An edge goes to the module named (``from corral.x import y`` goes
to ``corral.x.y`` when that is a module, else to ``corral.x``, and to the home module a thin
package face names for ``y`` in its ``_HOMES``); the implicit import of a package's
``__init__`` on the way to a submodule is not an edge of its own.

The folder graph draws each folder of ``kernel/corral`` as one node; the modules at the top of
the package (``corral/session.py``, ``corral/errors.py``, ...) are one more node, the root,
except ``corral/__main__.py``, the ``python -m corral`` launcher, which nothing imports.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import corral

PACKAGE = Path(corral.__file__).resolve().parent
Graph = Mapping[str, set[str]]


def kernel_modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterable[tuple[str, str | None]]:
    """``(module, name)`` of every import in ``tree`` that runs (``name`` is what
    ``from module import name`` takes, ``None`` for ``import module``); TYPE_CHECKING
    blocks are skipped."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), module,
                                    is_package)
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".") if is_package else module.split(".")[:-1]
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            yield from ((base, alias.name) for alias in node.names)
        yield from _imports(node, module, is_package)


def lazy_homes(path: Path) -> dict[str, str]:
    """The ``_HOMES`` table of a thin package face (name -> home module), if it has one."""
    if path.name != "__init__.py":
        return {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and node.target.id == "_HOMES" and node.value is not None):
            homes: dict[str, str] = ast.literal_eval(node.value)
            return homes
    return {}


def _target(modules: Mapping[str, Path], module: str, name: str | None) -> str | None:
    """The kernel module an import runs: ``module.name`` when that is a module, the home a
    thin package face names for ``name``, else the nearest enclosing module of ``module``."""
    if name is not None and f"{module}.{name}" in modules:
        return f"{module}.{name}"
    while module and module not in modules:
        module = module.rpartition(".")[0]
    if module and name is not None:
        return lazy_homes(modules[module]).get(name, module)
    return module or None


def import_graph() -> dict[str, set[str]]:
    modules = kernel_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for module, imported in _imports(tree, name, path.name == "__init__.py"):
            target = _target(modules, module, imported)
            if target is not None and target != name:
                graph[name].add(target)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


ROOT = "corral (top-level modules)"
#: Launchers: they import the command line, and nothing imports them.
LAUNCHERS = {"corral.__main__"}


def folder_of(module: str, modules: Mapping[str, Path]) -> str:
    if modules[module].name == "__init__.py":
        return "corral" if module == "corral" else module
    parent = module.rpartition(".")[0]
    if parent == "corral":
        return module if module in LAUNCHERS else ROOT
    return parent


def folder_graph(graph: Graph) -> dict[str, set[str]]:
    modules = kernel_modules()
    folders: dict[str, set[str]] = defaultdict(set)
    for source, targets in graph.items():
        for target in targets:
            a, b = folder_of(source, modules), folder_of(target, modules)
            if a != b:
                folders[a].add(b)
    return dict(folders)


def reachable(graph: Graph, start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(import_graph()) == []


def test_session_imports_only_leaves() -> None:
    graph = import_graph()
    below = reachable(graph, "corral.session")
    assert below <= {"corral.errors", "corral.events", "corral.messages", "corral.stash",
                     "corral.usage"}, sorted(below)


def test_folders_import_one_way() -> None:
    """Counting the top-level modules as one folder: the leaves there (errors, events,
    paths, ...) are imported from every folder, so no top-level module may import a folder."""
    folders = folder_graph(import_graph())
    two_way = sorted((a, b) for a, targets in folders.items() for b in targets
                     if a < b and a in folders.get(b, ()))
    assert two_way == []
    assert cycles(folders) == []


def test_the_checks_see_function_local_imports_and_skip_type_checking_ones() -> None:
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from corral.app import App\n"
              "def f():\n    from corral.engine import loop\n    import corral.paths\n")
    found = set(_imports(ast.parse(source), "corral.x", False))
    assert found == {("typing", "TYPE_CHECKING"), ("corral.engine", "loop"), ("corral.paths", None)}
    modules = kernel_modules()
    assert _target(modules, "corral.engine", "loop") == "corral.engine.loop"
    assert _target(modules, "corral.memory.store", "MemoryStore") == "corral.memory.store"
    assert _target(modules, "corral.engine", "Engine") == "corral.engine.loop"  # the face's home
    assert folder_of("corral.session", modules) == folder_of("corral.errors", modules) == ROOT
    assert folder_of("corral.engine.loop", modules) == "corral.engine"
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_thin_faces_name_no_submodule_and_every_home_holds_its_name() -> None:
    """A public name equal to a submodule's name would be shadowed by that module as soon as
    anything imports it (the import system sets it on the package), so faces never do it."""
    import importlib

    modules = kernel_modules()
    faces = {name: lazy_homes(path) for name, path in modules.items() if lazy_homes(path)}
    assert {"corral.engine", "corral.permissions", "corral.app"} <= set(faces)
    for face, homes in faces.items():
        assert not [n for n in homes if f"{face}.{n}" in modules], face
        for name, home in homes.items():
            assert hasattr(importlib.import_module(home), name), f"{face}.{name} -> {home}"
            assert not isinstance(getattr(importlib.import_module(face), name), type(ast))


def test_the_engine_meets_command_hooks_only_through_the_plugin_host() -> None:
    """Command hooks are the internal plugin ``command-hooks``: no engine module (nor the
    session) imports :mod:`corral.cmdhooks`, at module level or inside a function, except
    ``engine/hook_model.py``, which serves prompt and agent hooks the model."""
    graph = import_graph()
    callers = sorted(m for m, targets in graph.items()
                     if (m.startswith("corral.engine") or m == "corral.session")
                     # the other way round: prompt and agent hooks ask the model through it
                     and m != "corral.engine.hook_model"
                     and any(t == "corral.cmdhooks" or t.startswith("corral.cmdhooks.")
                             for t in targets))
    assert callers == []
    assert "corral.cmdhooks.lifecycle" in reachable(graph, "corral.internal_plugins.command_hooks")
