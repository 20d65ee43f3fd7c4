"""Sub-agents under the openai provider: no Anthropic credentials are needed, and each
child's provider connection is closed when it ends."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("corral_openai")
pytest.importorskip("corral_coordinator")

from corral.testing import OpenAIServer, text, tool_use  # noqa: E402


def test_a_sub_agent_runs_on_the_openai_provider_without_anthropic_credentials(
    openai_server: OpenAIServer, corral_isolated: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from corral.cli import main

    project = tmp_path / "project"
    (project / ".claude").mkdir(parents=True)
    monkeypatch.chdir(project)
    monkeypatch.setenv("CORRAL_LOAD_PLUGINS", "openai,coordinator")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    (project / ".claude" / "corral.local.toml").write_text(
        'model = "corral-test-model"\n[api]\nprovider = "openai"\n'
        f'base_url = "{openai_server.base_url}"\nretry_base_delay_s = 0.01\n'
    )
    openai_server.enqueue(
        tool_use("Agent", {"description": "count", "prompt": "say seven",
                           "subagent_type": "general-purpose"}),
        text("seven"),
        text("The sub-agent said seven."),
    )
    code = main(["-p", "ask a sub-agent", "--output-format", "json",
                 "--permission-mode", "bypassPermissions"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["subtype"] == "success", result
    assert result["result"] == "The sub-agent said seven.", (result, err, [r.body["messages"][-1] for r in openai_server.chat_requests])
    requests = openai_server.chat_requests
    assert len(requests) == 3, [r.body["messages"][-1] for r in requests]
    # the child's request carried the sub-agent's prompt, and its answer reached the parent
    assert "say seven" in json.dumps(requests[1].body["messages"])
    assert "seven" in json.dumps(requests[2].body["messages"][-1])
