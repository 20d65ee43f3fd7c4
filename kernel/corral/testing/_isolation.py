"""Keep a test away from the real user: a private home, config dirs and managed policy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotation: this module must import without pytest
    import pytest

#: Variables that would let the machine's own setup leak into a test.
CLEARED = (
    "CORRAL_FEATURES",
    "CORRAL_LOAD_PLUGINS",
    "CORRAL_TRACE_PLUGINS",
    "CORRAL_MODEL",
    "CORRAL_PERMISSION_MODE",
    "CORRAL_SANDBOX",
    "ANTHROPIC_MODEL",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    # a proxy of the machine would carry the tests' loopback requests elsewhere
    *(name for base in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
      for name in (base, base.upper())),
)


def isolate(monkeypatch: pytest.MonkeyPatch, root: Path) -> Path:
    """Point HOME, ``CORRAL_HOME``, ``CLAUDE_CONFIG_DIR`` and ``CORRAL_MANAGED_DIR`` into
    ``root`` and clear corral's variables; return the new home directory."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CORRAL_HOME", str(root / "corral-home"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(home / ".claude"))
    monkeypatch.setenv("CORRAL_MANAGED_DIR", str(root / "managed"))
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    return home
