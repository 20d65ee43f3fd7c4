"""``corral mcp serve`` driven by the SDK's own client over stdio."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any


def _text(result: Any) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def _session(project: Path, *flags: str, calls: list[tuple[str, dict[str, Any]]]
                   ) -> tuple[list[str], list[Any]]:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "corral", *flags, "mcp", "serve"],
        env=dict(os.environ), cwd=str(project))
    async with asyncio.timeout(120), Client(stdio_client(params)) as client:
        names = [t.name for t in (await client.list_tools()).tools]
        results = [await client.call_tool(name, args) for name, args in calls]
    return names, results


def test_serve_offers_corrals_tools_and_runs_them_through_the_permission_chain(
    project: Path,
) -> None:
    (project / "notes.txt").write_text("alpha\nbeta\n", encoding="utf-8")
    target = project / "out.txt"
    calls = [("Read", {"file_path": str(project / "notes.txt")}),
             ("Write", {"file_path": str(target), "content": "written\n"}),
             ("NoSuchTool", {})]
    names, (read, write, unknown) = asyncio.run(_session(project, calls=calls))
    assert {"Read", "Write", "Edit", "Bash", "Grep", "Glob"} <= set(names)
    assert not any(n.startswith("mcp__") for n in names)
    assert not read.is_error and "alpha" in _text(read) and "beta" in _text(read)
    # Write would ask; nobody can be asked over MCP, so it is denied, saying how to allow it
    assert write.is_error
    assert "Permission to use Write was denied" in _text(write)
    assert "--allowedTools" in _text(write)
    assert not target.exists()
    assert unknown.is_error and "Unknown tool 'NoSuchTool'" in _text(unknown)


def test_serve_with_an_allow_rule_lets_the_call_run(project: Path) -> None:
    target = project / "out.txt"
    calls = [("Write", {"file_path": str(target), "content": "written\n"})]
    _names, (write,) = asyncio.run(_session(project, "--allowedTools", "Write", calls=calls))
    assert not write.is_error, _text(write)
    assert target.read_text(encoding="utf-8") == "written\n"
