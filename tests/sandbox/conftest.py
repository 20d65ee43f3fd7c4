from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral.sandbox.detect import detect


@pytest.fixture
def bwrap_works() -> None:
    found = detect()
    if found.backend != "bwrap":
        pytest.skip(f"no working bubblewrap: {found.problem}")


@pytest.fixture
def make_session(project: Path) -> Any:
    """``make_session(mode=…)``: a headless session in ``project``, config read from disk."""
    from corral.app import App
    from corral.session import Session

    def make(mode: str = "default") -> Session:
        return Session(App.create(cwd=project), cwd=project, headless=True,
                       permission_mode=mode)

    return make


def bash(session: Any, command: str, **params: Any) -> Any:
    """Run the real Bash tool, as the engine would after the chain allowed it."""
    from corral.tools.builtin import Bash

    decoded = msgspec.convert({"command": command, **params}, Bash.input_type)

    async def go() -> Any:
        try:
            return await Bash().run(session, decoded)
        finally:
            await session.end()

    return asyncio.run(go())
