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


def first_line(name: str) -> str:
    return (inspect.getdoc(getattr(hookspecs, name)) or "").splitlines()[0]


@pytest.mark.parametrize("name", SPECS)
def test_hook_docs_say_what_the_docstring_says(name: str) -> None:
    docs = (ROOT / "docs" / "hooks.md").read_text()
    section = docs.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
    assert first_line(name) in section, f"docs/hooks.md: {name} no longer says what it is for"


def test_writing_plugins_names_only_real_hooks_and_public_names() -> None:
    import re

    import corral.api as api

    page = (ROOT / "docs" / "writing-plugins.md").read_text()
    from corral.testing import pytest_plugin

    fixtures = {n for n in dir(pytest_plugin) if n.startswith("corral_")}
    hooks = set(re.findall(r"\bcorral_[a-z_]+\b(?!\.)", page)) - fixtures
    assert hooks and hooks <= set(SPECS), sorted(hooks - set(SPECS))
    registries = {n for n in SPECS if n.startswith("corral_register_")}
    assert registries <= hooks, f"writing-plugins.md does not list {sorted(registries - hooks)}"
    used = set(re.findall(r"\bcorral\.api\.([A-Za-z_]+)", page))
    for line in re.findall(r"from corral\.api import ([^\n]+)", page):
        used |= {n.strip() for n in line.split(",")}
    assert used and used <= set(api.__all__), sorted(used - set(api.__all__))
    assert not re.search(r"from corral\.(?!api\b)[a-z_.]+ import", page)
