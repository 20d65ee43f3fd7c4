"""The reference npm server ``@modelcontextprotocol/server-everything``, end to end.

``.ci/run`` installs it into ``.ci/npm``; without node or that install the tests skip.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from corral.testing import MessagesServer, text, tool_use

from .conftest import RunCorral, approve, write_mcp_json

REPO = Path(__file__).resolve().parents[3]
BINARY = REPO / ".ci" / "npm" / "node_modules" / ".bin" / "mcp-server-everything"

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(not BINARY.exists(), reason=f"{BINARY} is missing: .ci/run installs "
                       "@modelcontextprotocol/server-everything there with npm"),
]


def test_reference_server_tools_text_and_image(
    anthropic_server: MessagesServer, project: Path, run_corral: RunCorral
) -> None:
    write_mcp_json(project, {"everything": {"command": str(BINARY), "args": ["stdio"]}})
    approve(project, "everything")
    anthropic_server.enqueue(
        tool_use("mcp__everything__echo", {"message": "ping"}),
        tool_use("mcp__everything__get-tiny-image", {}),
        text("done"),
    )
    code, out, err = run_corral("-p", "go", "--output-format", "json",
                                "--allowedTools", "mcp__everything")
    assert code == 0, err
    requests = anthropic_server.message_requests
    names = [t["name"] for t in requests[0].body["tools"]]
    assert "mcp__everything__echo" in names and "ReadMcpResourceTool" in names
    echo = requests[1].body["messages"][-1]["content"][0]
    assert echo["content"] == "Echo: ping"
    image = requests[2].body["messages"][-1]["content"][0]
    kinds = [b["type"] for b in image["content"]]
    assert "image" in kinds
