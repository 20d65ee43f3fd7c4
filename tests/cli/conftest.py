"""Running the `corral` command in this process, for tests of what it prints."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corral.cli import main


@pytest.fixture
def run_cli(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run ``corral ARGS`` in this process (the real CLI, the real SDK over loopback)."""

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        # fast retries in tests; the backoff policy itself is tested on its own
        (project / ".claude" / "corral.local.toml").write_text(
            "[api]\nretry_base_delay_s = 0.01\nmax_retries = 3\n"
        )
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def result_of(out: str) -> dict[str, Any]:
    return json.loads(out.strip().splitlines()[-1])
