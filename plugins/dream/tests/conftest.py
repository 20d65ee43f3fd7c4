from __future__ import annotations

from pathlib import Path

import pytest
from corral.testing._isolation import isolate


@pytest.fixture(autouse=True)
def _isolated_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return isolate(monkeypatch, tmp_path_factory.mktemp("corral-env"))
