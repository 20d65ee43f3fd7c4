"""The plugin API stays honest: every hook is documented with its exact signature, and every
hook has a test in tests/test_hooks.py."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from corral import hookspecs

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted(n for n in dir(hookspecs) if n.startswith("corral_"))


def signature(name: str) -> str:
    return f"def {name}{inspect.signature(getattr(hookspecs, name))}".replace("'", "")


@pytest.mark.parametrize("name", SPECS)
def test_hook_documented_with_exact_signature(name: str) -> None:
    docs = (ROOT / "docs" / "hooks.md").read_text()
    assert f"### `{name}`" in docs
    assert signature(name) in docs, f"docs/hooks.md has an outdated signature for {name}"


@pytest.mark.parametrize("name", SPECS)
def test_hook_has_a_test(name: str) -> None:
    from tests import test_hooks

    assert hasattr(test_hooks, f"test_hook_{name}"), f"tests/test_hooks.py lacks test_hook_{name}"


def test_every_hookspec_has_a_docstring_with_its_parameters() -> None:
    for name in SPECS:
        fn = getattr(hookspecs, name)
        doc = inspect.getdoc(fn) or ""
        for param in inspect.signature(fn).parameters:
            assert f":param {param}:" in doc, f"{name} does not document {param}"
        if fn.corral_spec.get("firstresult"):
            assert "Stops at first non-None result" in doc
