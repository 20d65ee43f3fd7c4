"""Fixtures: a private home, a project directory as cwd, and ``corral`` run in-process with
only this plugin loaded and ``[api] provider = "openai"`` pointing at the scripted server."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from corral.testing import OpenAIServer


@pytest.fixture(autouse=True)
def _home(corral_isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRAL_LOAD_PLUGINS", "openai")
    return corral_isolated


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / ".claude").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def run_cli(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run ``corral ARGS`` in this process against ``server`` with the openai provider.

    ``config`` is extra TOML for the project's local config layer.
    """
    from corral.cli import main

    def run(*args: str, server: OpenAIServer, config: str = "", stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        (project / ".claude" / "corral.local.toml").write_text(
            'model = "corral-test-model"\n'
            "[api]\n"
            'provider = "openai"\n'
            f'base_url = "{server.base_url}"\n'
            "retry_base_delay_s = 0.01\nmax_retries = 3\n" + config
        )
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
