from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral.tools.base import Tool, ToolResult

Call = Callable[..., ToolResult]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    root.mkdir()
    return root


@pytest.fixture
def session(workdir: Path) -> Any:
    """A real session whose working directory is ``workdir``."""
    from corral.app import App
    from corral.session import Session

    return Session(App.create(cwd=workdir), cwd=workdir, headless=True)


def run_tool(tool: Tool, session: Any, **params: Any) -> ToolResult:
    """Validate ``params`` as the engine does (msgspec, by wire names) and run the tool."""
    decoded = msgspec.convert(params, type(tool).input_type)
    return asyncio.run(tool.run(session, decoded))


@pytest.fixture
def call(session: Any) -> Call:
    def _call(tool: Tool, **params: Any) -> ToolResult:
        return run_tool(tool, session, **params)

    return _call
