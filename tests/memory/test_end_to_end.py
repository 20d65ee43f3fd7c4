"""The memory layer through the real CLI, the real engine and SDK, against the test server."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from corral.memory import MemoryStore
from corral.testing import MessagesServer, text, tool_use
from rich.console import Console

from tests.cli.conftest import result_of
from tests.memory.conftest import write


def system_text(server: MessagesServer, index: int) -> str:
    return "\n".join(b["text"] for b in server.message_requests[index].body["system"])


def session_blocks(server: MessagesServer, index: int) -> list[str]:
    return [b["text"] for b in server.message_requests[index].body["system"]
            if "cache_control" in b]


def test_instructions_and_store_reach_the_model_in_a_cached_block(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write(project / "CLAUDE.md", "ALWAYS-RUN-RUFF")
    store = MemoryStore.for_project(project)
    entry = store.add("The flaky parser test needs PARSER_SEED=1", tags=["parser"], importance=4)
    for n in range(30):
        store.add(f"unrelated fact number {n} about deployment")
    anthropic_server.enqueue(text("ok"))
    code, out, err = run_cli("-p", "why does the parser test fail?", "--output-format", "json")
    assert code == 0, out + err
    blocks = session_blocks(anthropic_server, 0)
    session_block = blocks[-1]  # the session-scoped block carries breakpoint 2
    assert "ALWAYS-RUN-RUFF" in session_block and f'source="{project / "CLAUDE.md"}"' \
        in session_block
    assert f'<memory-index scope="project" path="{project / ".claude" / "memory"}">' \
        in session_block
    assert f"The flaky parser test needs PARSER_SEED=1 — {entry.id} · project · #parser" \
        in session_block
    # the one relevant entry is shown in full; unrelated ones stay in the index only
    assert session_block.count("<memory-entry ") == 1
    assert f'<memory-entry id="{entry.id}" scope="project" type="project"' in session_block


def test_subdirectory_instructions_load_when_a_tool_touches_them(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write(project / "CLAUDE.md", "ROOT-RULE")
    write(project / "web" / "CLAUDE.md", "WEB-RULE: use pnpm")
    write(project / "web" / "src" / "app.ts", "export const x = 1\n")
    write(project / "api" / "CLAUDE.md", "API-RULE")
    anthropic_server.enqueue(tool_use("Read", {"file_path": "web/src/app.ts"}), text("done"))
    code, out, err = run_cli("-p", "look at the app", "--output-format", "corral-events")
    assert code == 0, out + err
    first, second = system_text(anthropic_server, 0), system_text(anthropic_server, 1)
    assert "ROOT-RULE" in first and "WEB-RULE" not in first
    assert "WEB-RULE: use pnpm" in second and "API-RULE" not in second
    # it went into an uncached turn block: the cached prefix did not change
    assert session_blocks(anthropic_server, 0) == session_blocks(anthropic_server, 1)
    events = [json.loads(line) for line in out.strip().splitlines()]
    notices = [e["text"] for e in events if e.get("type") == "notice"]
    assert f"memory: loaded {project / 'web' / 'CLAUDE.md'}" in notices


def test_memory_tool_adds_and_searches_through_the_engine(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    anthropic_server.enqueue(
        tool_use("Memory", {"command": "add", "text": "User wants answers in French",
                            "type": "user", "tags": ["language"], "importance": 5}),
        tool_use("Memory", {"command": "search", "query": "french"}),
        text("noted"),
    )
    code, out, err = run_cli("-p", "remember: answer in French", "--output-format", "json")
    assert code == 0, out + err
    result = result_of(out)
    assert result["permission_denials"] == []  # default mode: the memory plugin allows it
    [entry] = MemoryStore.for_project(project).load()
    assert entry.text == "User wants answers in French" and entry.type == "user"
    assert entry.source == result["session_id"] and entry.importance == 5
    added = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert added["content"] == f"Remembered as {entry.id} (project memory, topics/user.md)."
    found = anthropic_server.message_requests[2].body["messages"][-1]["content"][0]
    assert found["content"].startswith(f"{entry.id} [project/user]")
    assert "User wants answers in French" in found["content"]


def test_memory_writes_outside_the_memory_folder_are_denied_by_the_chain(
        anthropic_server: MessagesServer, run_cli, project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    anthropic_server.enqueue(
        tool_use("Memory", {"command": "add", "text": "x", "topic": "../../../outside/x"}),
        text("could not"),
    )
    code, out, _ = run_cli("-p", "go", "--output-format", "json",
                           "--permission-mode", "bypassPermissions")
    assert code == 0
    [denial] = result_of(out)["permission_denials"]
    assert denial["tool_name"] == "Memory"
    block = anthropic_server.message_requests[1].body["messages"][-1]["content"][0]
    assert block["is_error"] and "Memory may write only inside the memory folders" in \
        block["content"]
    assert list(outside.iterdir()) == []
    # a memory folder that is a link to somewhere else is refused too
    os.symlink(outside, project / ".claude" / "memory")
    anthropic_server.enqueue(tool_use("Memory", {"command": "add", "text": "y"}), text("no"))
    code, out, _ = run_cli("-p", "go", "--output-format", "json")
    [denial] = result_of(out)["permission_denials"]
    assert denial["tool_name"] == "Memory"
    assert list(outside.iterdir()) == []


def test_memory_section_is_reinjected_after_compaction(
        anthropic_server: MessagesServer, run_cli, project: Path) -> None:
    write(project / ".claude" / "corral.toml", "[engine]\ncompact_trigger_tokens = 1000\n")
    write(project / "CLAUDE.md", "PROJECT-RULE-42")
    MemoryStore.for_project(project).add("Release on Fridays only", tags=["release"])
    anthropic_server.enqueue(
        tool_use("Glob", {"pattern": "*"}).with_usage(input_tokens=5_000),
        text("SUMMARY: the user asked about releases"),
        text("done"),
    )
    code, out, err = run_cli("-p", "when do we release?", "--output-format", "json")
    assert code == 0, out + err
    requests = anthropic_server.message_requests
    assert len(requests) == 3
    after = requests[2].body
    assert "This session was compacted" in json.dumps(after["messages"])
    assert "PROJECT-RULE-42" in system_text(anthropic_server, 2)
    assert "Release on Fridays only" in system_text(anthropic_server, 2)
    assert session_blocks(anthropic_server, 0) == session_blocks(anthropic_server, 2)


def test_cli_add_list_search_show_remove(run_cli, project: Path) -> None:
    write(project / "CLAUDE.md", "Rules @docs/more.md @gone.md")
    write(project / "docs" / "more.md", "MORE")
    code, out, _ = run_cli("memory", "add", "Use uv for envs", "--tags", "env,tools",
                           "--type", "feedback", "--importance", "4")
    assert code == 0 and out.startswith("added ") and "project memory" in out
    entry_id = out.split()[1]
    code, out, _ = run_cli("memory", "add", "I review on Mondays", "--scope", "user",
                           "--type", "user")
    assert code == 0
    code, out, _ = run_cli("memory", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert {(r["scope"], r["text"]) for r in rows} == {("project", "Use uv for envs"),
                                                     ("user", "I review on Mondays")}
    code, out, _ = run_cli("memory", "search", "uv", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [entry_id]
    code, out, _ = run_cli("memory", "show", "--json")
    shown = json.loads(out)
    assert [(Path(f["path"]).name, f["kind"], f["size"]) for f in shown["files"]] == [
        ("CLAUDE.md", "project", 28), ("more.md", "import", 4)]
    assert any("@gone.md not found" in w for w in shown["warnings"])
    assert [(s["scope"], s["entries"]) for s in shown["stores"]] == [("project", 1), ("user", 1)]
    code, out, _ = run_cli("memory", "show")
    assert "more.md" in out and "imported by" in out and "@gone.md not found" in out
    code, out, _ = run_cli("memory", "remove", entry_id)
    assert code == 0 and out == f"removed {entry_id}: Use uv for envs\n"
    code, out, err = run_cli("memory", "remove", entry_id)
    assert code == 1 and f"no memory entry '{entry_id}'" in err


def test_cli_edit_opens_the_editor_and_reindexes(run_cli, project: Path, tmp_path: Path,
                                                 monkeypatch) -> None:
    editor = write(tmp_path / "editor.sh", "#!/bin/sh\nprintf '%s\\n' "
                   "'<!-- corral:entry {\"id\":\"hand1\",\"created\":\"2026-01-01T00:00:00Z\","
                   "\"updated\":\"2026-01-01T00:00:00Z\"} -->' 'written by hand' >> \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, out, _ = run_cli("memory", "edit", "notes")
    assert code == 0 and "MEMORY.md updated" in out
    [entry] = MemoryStore.for_project(project).load()
    assert (entry.id, entry.text, entry.topic) == ("hand1", "written by hand", "notes")
    assert "written by hand — hand1 · notes" in (project / ".claude/memory/MEMORY.md").read_text()


def test_slash_memory_lists_files_stores_and_problems(project: Path) -> None:
    from corral.app import App
    from corral.internal_plugins.memory import _slash_memory
    from corral.session import Session

    write(project / "CLAUDE.md", "x" * 50 + " @nope.md")
    MemoryStore.for_project(project).add("one fact")
    app = App.create(cwd=project, environ={"CORRAL_LOAD_PLUGINS": ""},
                     cli={"memory": {"max_instruction_chars": 20}})
    [command] = [c for name, c in app.host.register_commands() if name == "memory"]
    assert command.run is _slash_memory
    buffer = io.StringIO()
    Console(file=buffer, width=200).print(command.run(Session(app, headless=True), ""))
    shown = buffer.getvalue()
    assert str(project / "CLAUDE.md") in shown and " 59 " in shown
    assert "39 chars cut (budget)" in shown and "budget (memory.max_instruction_chars = 20)" in shown
    assert str(project / ".claude" / "memory") in shown
    assert "@nope.md not found" in shown
