"""The code re-check: a guarded, read-only sub-session whose writes are refused."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from corral.api import App, MemoryStore, Session, ToolCall
from corral.engine.permission_gate import decide_call
from corral.testing import MessagesServer, message, text, tool_block
from corral_dream import claude_md
from corral_dream.gates import read_state
from corral_dream.guard import vote
from corral_dream.recheck import child_session
from corral_dream.runner import dream
from corral_dream.settings import Settings

from ._model import system_text
from .conftest import SETTINGS, entry, tree_hashes

MARK = "checking a coding assistant's long-term memory against the project"
APP_PY = "def handle_request():\n    return 1\n"


def allow_everything(project: Path) -> None:
    """User rules that plan mode alone would let through for Bash: only the vote stops them."""
    (project / ".claude").mkdir(exist_ok=True)
    (project / ".claude" / "corral.toml").write_text(
        '[permissions]\nallow = ["Bash(rm:*)", "Bash(touch:*)", "Edit", "Write", "Read(~/**)"]\n')


def stale_store(fill):  # type: ignore[no-untyped-def]
    handler = entry("Requests are answered by handle_request in src/app.py; it returns 0.",
                    files=("src/app.py",), days_old=5)  # the file changed since: stale
    gone = entry("The cache layer sits on a Redis adapter.", days_old=90)  # old: stale
    readme = entry("The demo readme holds one heading.", type="reference", days_old=45,
                   files=("README.md",))
    person = entry("Prefers terse answers.", type="user", days_old=200)  # nothing to check
    return fill(handler, gone, readme, person), handler, gone, readme, person


def test_writes_are_refused_and_verdicts_applied(project: Path, fill, config,
                                                 anthropic_server: MessagesServer) -> None:
    allow_everything(project)
    store, handler, gone, readme, person = stale_store(fill)
    app_py = project / "src" / "app.py"
    before = tree_hashes(project, skip=store.root)
    target = str(app_py)
    anthropic_server.enqueue(
        message(
            "Let me look, and fix the code while I am at it.",
            tool_block("Edit", {"file_path": target, "old_string": "return 1",
                                "new_string": "return 2"}),
            tool_block("Write", {"file_path": target, "content": "hacked\n"}),
            tool_block("Bash", {"command": "rm src/app.py"}),
            tool_block("Bash", {"command": "touch src/new.py"}),
            tool_block("Bash", {"command": "echo hacked > src/app.py"}),
            tool_block("Read", {"file_path": target}),
        ),
        text(json.dumps({"entries": [
            {"id": handler.id, "verdict": "update", "why": "it returns 1",
             "text": "Requests are answered by handle_request in src/app.py; it returns 1."},
            {"id": gone.id, "verdict": "drop", "why": "no Redis anywhere"},
            {"id": readme.id, "verdict": "keep", "why": "README.md has one heading"},
        ]})),
    )
    report = asyncio.run(dream(project, config, SETTINGS))

    assert app_py.read_text() == APP_PY and not (project / "src" / "new.py").exists()
    assert tree_hashes(project, skip=store.root) == before
    first, second = anthropic_server.message_requests
    assert MARK in system_text(first)
    assert sorted(t["name"] for t in first.tools) == ["Bash", "Glob", "Grep", "Read"]
    asked = first.messages[0]["content"]
    asked = asked if isinstance(asked, str) else json.dumps(asked)
    assert handler.id in asked and gone.id in asked and readme.id in asked
    assert person.id not in asked
    results = {r["tool_use_id"]: r for r in second.messages[-1]["content"]}
    uses = [b for b in second.messages[-2]["content"] if b["type"] == "tool_use"]
    by_name = [(u["name"], u["input"], results[u["id"]]) for u in uses]
    read = [r for name, _, r in by_name if name == "Read"][0]
    assert "def handle_request" in json.dumps(read["content"]) and not read.get("is_error")
    assert all(r.get("is_error") for name, _, r in by_name if name != "Read")

    refused = "\n".join(report.refused)
    assert f"Edit {target}: not offered to the dream" in refused
    assert f"Write {target}: not offered to the dream" in refused
    # the user's allow rule Bash(rm:*) would let plan mode run these; the dream's vote does not
    assert "Bash rm src/app.py: denied (hook, plugin:dream): dream (read-only on code)" in refused
    assert "Bash touch src/new.py: denied (hook, plugin:dream)" in refused
    assert "Bash echo hacked > src/app.py: denied" in refused
    assert "refused: Bash rm src/app.py" in (store.root / "dream-log.md").read_text()

    left = {e.id: e for e in store.load()}
    assert set(left) == {handler.id, readme.id, person.id}
    assert left[handler.id].text.endswith("it returns 1.")
    assert left[readme.id].text == readme.text
    reasons = {c.id: (c.phase, c.action, c.reason) for c in report.changes}
    assert reasons[gone.id] == ("refresh", "remove",
                                "re-checked against the code, dropped: no Redis anywhere")
    assert reasons[handler.id][:2] == ("refresh", "update")
    assert report.model_calls == 2 and report.input_tokens > 0
    assert set(read_state(store).checked) == {handler.id, readme.id}

    asyncio.run(dream(project, config, SETTINGS))  # nothing is stale any more
    assert len(anthropic_server.message_requests) == 2


def test_the_vote_denies_writes_outside_memory_and_the_section(project: Path) -> None:
    from corral.tools.builtin.write_edit import Edit, Write

    allow_everything(project)
    (project / "CLAUDE.md").write_text(f"# Rules\n\n{claude_md.START}\n- old\n{claude_md.END}\n")
    app = App.create(cwd=project, environ={})
    memory = MemoryStore.for_project(project).root
    child = child_session(app, project, project, memory, app.config.model, Settings())

    def call(name: str, **given: object) -> ToolCall:
        return ToolCall(id="t", name=name, input=dict(given), source="subagent", agent="dream")

    edit_src = call("Edit", file_path="src/app.py", old_string="return 1", new_string="return 2")
    decision = asyncio.run(decide_call(child, edit_src, Edit()))
    assert (decision.decision, decision.tier, decision.source) == ("deny", "hook", "plugin:dream")
    assert "outside the memory folder" in decision.reason
    write_src = call("Write", file_path=str(project / "README.md"), content="x")
    assert asyncio.run(decide_call(child, write_src, Write())).source == "plugin:dream"
    assert vote(child, call("Write", file_path=str(memory / "topics" / "x.md"),
                            content="x")) is None
    inside = call("Edit", file_path="CLAUDE.md", old_string="- old", new_string="- new")
    outside = call("Edit", file_path="CLAUDE.md", old_string="# Rules", new_string="# Mine")
    assert vote(child, inside) is None
    assert vote(child, outside) is not None and vote(child, outside).decision == "deny"  # type: ignore[union-attr]
    assert vote(child, call("WebFetch", url="https://example.com")) is not None
    background = call("Bash", command="ls", run_in_background=True)
    assert "background" in vote(child, background).reason  # type: ignore[union-attr]
    assert vote(child, call("Bash", command="git log --oneline")) is None

    # a plan-mode session that is not the dream's: the vote abstains, and plan mode itself
    # refuses `rm` although the user's rule allows it; the dream's vote denies it too
    plain = Session(app, cwd=project, headless=True, permission_mode="plan")
    rm = call("Bash", command="rm src/app.py")
    assert vote(plain, rm) is None
    assert asyncio.run(decide_call(plain, rm)).decision == "deny"
    assert asyncio.run(decide_call(child, rm)).source == "plugin:dream"
    secret = Path.home() / "secret.txt"
    secret.write_text("token\n")
    read_secret = call("Read", file_path=str(secret))
    assert asyncio.run(decide_call(plain, read_secret)).decision == "allow"  # Read(~/**)
    decision = asyncio.run(decide_call(child, read_secret))
    assert (decision.decision, decision.source) == ("deny", "plugin:dream")
    assert "only files inside the project are read" in decision.reason
    assert vote(child, call("Read", file_path="src/app.py")) is None


def test_recheck_waits_when_the_vote_is_not_active(project: Path, fill, config,
                                                   anthropic_server: MessagesServer) -> None:
    store, handler, *_ = stale_store(fill)
    off = App.create(cwd=project, environ={}, cli={"features": {"dream": False}})
    report = asyncio.run(dream(project, config, SETTINGS, app=off))
    assert anthropic_server.message_requests == []
    assert any("permission vote is not active" in n for n in report.notes)
    assert report.deferred == 3 and store.get(handler.id).text == handler.text


def test_recheck_without_an_answer_is_deferred(project: Path, fill, config,
                                               anthropic_server: MessagesServer) -> None:
    store, handler, *_ = stale_store(fill)
    anthropic_server.enqueue(message(tool_block("Glob", {"pattern": "**/*.py"})))
    report = asyncio.run(dream(project, config, Settings(recheck_max_turns=1)))
    assert len(anthropic_server.message_requests) == 1
    assert any("no answer within 1 model requests" in n for n in report.notes)
    assert report.committed and store.get(handler.id).text == handler.text
    assert read_state(store).checked == {}
