"""``corral.api`` is the plugins' only door into the kernel, and a cheap one to open.

Checked from the source (nothing is imported from the plugins), so the check also holds a
plugin that is not installed in this environment.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import corral.api as api

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
API_SOURCE = Path(api.__file__).read_text(encoding="utf-8")


def plugin_packages() -> dict[str, Path]:
    """Every plugin's import package and its folder (``plugins/<name>/src/<package>``)."""
    return {pkg.name: pkg for pkg in sorted(PLUGINS.glob("*/src/*"))
            if pkg.is_dir() and (pkg / "__init__.py").exists()}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, module)`` of every import in ``tree``; ``from m import a`` gives ``m.a`` too,
    so ``from corral import paths`` is seen as the module it is."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "corral":
                found += [(node.lineno, f"corral.{alias.name}") for alias in node.names]
    return sorted(found)


def import_violations(package: str, folder: Path, packages: set[str]) -> list[str]:
    wrong: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, module in imported_modules(tree):
            top = module.split(".")[0]
            where = f"{path.relative_to(folder.parent)}:{line}"
            if top == "corral" and module not in ("corral", "corral.api"):
                wrong.append(f"{where} imports {module} (use corral.api)")
            elif top in packages and top != package:
                wrong.append(f"{where} imports the plugin package {module}")
    return wrong


def test_plugins_import_the_kernel_only_through_corral_api() -> None:
    packages = plugin_packages()
    assert len(packages) >= 5, packages
    wrong = [w for name, folder in packages.items()
             for w in import_violations(name, folder, set(packages))]
    assert wrong == []


def test_the_check_catches_a_private_import_and_a_plugin_to_plugin_import(tmp_path: Path) -> None:
    pkg = tmp_path / "corral_one"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(
        "from corral.api import Session\n"
        "def f():\n"
        "    from corral.memory import _format\n"
        "    import corral_two.x\n"
        "from corral import paths\n"
    )
    wrong = import_violations("corral_one", pkg, {"corral_one", "corral_two"})
    assert [w.split(" ", 1)[1] for w in wrong] == [
        "imports corral.memory (use corral.api)",
        "imports the plugin package corral_two.x",
        "imports corral.paths (use corral.api)",
    ]


def type_checking_imports() -> dict[str, str]:
    """Name -> module of the imports under ``if TYPE_CHECKING:`` in corral/api.py."""
    tree = ast.parse(API_SOURCE)
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    names: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names:
            assert alias.asname == alias.name, f"{alias.name} must be re-exported as itself"
            names[alias.name] = node.module
    return names


def test_what_type_checkers_see_is_what_runs() -> None:
    assert type_checking_imports() == api._HOMES


def test_every_name_resolves_and_none_is_private() -> None:
    for name, home in api._HOMES.items():
        assert not name.startswith("_") or name == "__version__", name
        assert getattr(api, name) is getattr(importlib.import_module(home), name)
    assert sorted(api.__all__) == sorted(api._HOMES)


def test_an_unknown_name_says_so() -> None:
    try:
        api.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "corral.api has no name 'no_such_thing'" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_hook_marker_loads_nothing_else() -> None:
    code = ("import sys; from corral.api import hookimpl; "
            "print(sorted(m for m in sys.modules if m.startswith('corral')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "['corral', 'corral._version', 'corral.api']"
