from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from corral.permissions.chain import decide
from corral.permissions.context import Mode, PermissionContext
from corral.permissions.decision import Decision
from corral.tools.base import ToolCall

#: The allow rules the bypass corpus must not get past.
BYPASS_RULES = ["Bash(git status)", "Bash(npm run test:*)", "Bash(ls *)", "Edit(src/**)",
                "Read(src/**)"]


@dataclass
class Proj:
    root: Path
    home: Path
    outside: Path

    def ctx(self, allow: Sequence[str] = (), deny: Sequence[str] = (), ask: Sequence[str] = (),
            mode: Mode = "default", **kw: Any) -> PermissionContext:
        items = [("allow", r, "test-settings", str(self.root)) for r in allow]
        items += [("deny", r, "test-settings", str(self.root)) for r in deny]
        items += [("ask", r, "test-settings", str(self.root)) for r in ask]
        ctx, errors = PermissionContext.build(str(self.root), items, mode=mode,
                                              home=str(self.home), **kw)
        assert errors == []
        return ctx


@pytest.fixture
def proj(tmp_path: Path) -> Proj:
    root = tmp_path / "work" / "project"
    home = tmp_path / "home"
    outside = tmp_path / "outside"
    for d in (root / "src", root / "tests", root / "docs", root / ".git", home / ".ssh", outside):
        d.mkdir(parents=True)
    (root / "src" / "a.py").write_text("print(1)\n")
    (root / "README.md").write_text("# x\n")
    (outside / "secret").write_text("s\n")
    (root / "src" / "link").symlink_to(outside)
    (root / "src" / "rc").symlink_to(home / ".bashrc")
    return Proj(root, home, outside)


@pytest.fixture
def run(proj: Proj) -> Callable[..., Decision]:
    def run(tool: str, input: dict[str, Any] | str, ctx: PermissionContext | None = None,
            **ctx_kw: Any) -> Decision:
        if isinstance(input, str):
            input = {"command": input}
        context = ctx if ctx is not None else proj.ctx(**ctx_kw)
        return decide(ToolCall(id="t", name=tool, input=input), context)

    return run
