"""``corral_filter_outbound`` as the kernel's Write and Edit tools call it (channel ``file``),
and ``corral_session_start`` clearing corral's own trailer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from corral.api import App, CorralError, Session, ToolCall, ToolResult
from corral_undercover.errors import UndercoverBlocked

from .conftest import TERMS, Configure, git

MakeSession = Callable[..., Session]


@pytest.fixture
def make_session(repo: Path, corral_home: Configure) -> MakeSession:
    def make(top: dict[str, Any] | None = None, **table: Any) -> Session:
        corral_home(top, **{"terms": TERMS, "internal_hosts": ["corp.example"], **table})
        return Session(App.create(cwd=repo), cwd=repo)

    return make


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _tool(session: Session, name: str, **data: Any) -> ToolResult:
    tool = session.tools[name]
    result: ToolResult = _run(tool.run(session, msgspec.convert(data, tool.input_type)))
    return result


def test_write_tool_is_blocked_with_category_and_position(
    make_session: MakeSession, repo: Path
) -> None:
    session = make_session()
    with pytest.raises(UndercoverBlocked) as info:
        _tool(session, "Write", file_path="notes.md", content="Plan\nthe Falcon launch\n")
    error = info.value
    assert error.channel == "file" and issubclass(type(error), CorralError)
    message = str(error)
    assert "internal name or codename at 2:5" in message and "falcon" not in message.lower()
    assert not (repo / "notes.md").exists()


def test_write_and_edit_tools_redact(make_session: MakeSession, repo: Path) -> None:
    session = make_session(action="redact")
    result = _tool(session, "Write", file_path="a.md", content="Falcon on wiki.corp.example\n")
    assert not result.is_error
    assert (repo / "a.md").read_text(encoding="utf-8") == ("[redacted name] on [redacted host]\n")
    result = _tool(session, "Edit", file_path="b.md", old_string="", new_string="ask nimbus")
    assert not result.is_error
    assert (repo / "b.md").read_text(encoding="utf-8") == "ask [redacted name]"


def test_clean_write_is_untouched_and_model_channel_is_not_filtered(
    make_session: MakeSession, repo: Path
) -> None:
    session = make_session()
    assert not _tool(session, "Write", file_path="c.md", content="plain words\n").is_error
    assert (repo / "c.md").read_text(encoding="utf-8") == "plain words\n"
    prompt = "why does Falcon fail?"
    assert _run(session.hooks.filter_outbound(session, prompt, "model")) == prompt


def test_filter_decides_file_writes_by_path(
    make_session: MakeSession, repo: Path, tmp_path: Path
) -> None:
    (repo / ".gitignore").write_text("*.local.md\n", encoding="utf-8")
    session = make_session()
    content = "remember Falcon\n"

    def outbound(target: str | None) -> str:
        result: str = _run(session.hooks.filter_outbound(session, content, "file", target))
        return result

    # No vote ran first: the path alone decides, as many times as asked.
    for _ in range(2):
        assert outbound(str(repo / "me.local.md")) == content
    assert outbound(str(tmp_path / "outside.md")) == content
    for target in (str(repo / "notes.md"), None):  # tracked file, or no path at all
        with pytest.raises(UndercoverBlocked) as info:
            outbound(target)
        assert "falcon" not in str(info.value).lower()
    clean = _run(session.hooks.filter_outbound(session, "plain\n", "file", str(repo / "n.md")))
    assert clean == "plain\n"


def test_write_tool_to_ignored_file_passes_and_tracked_file_is_blocked(
    make_session: MakeSession, repo: Path
) -> None:
    (repo / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    session = make_session()
    content = "ask about Falcon on wiki.corp.example\n"
    assert not _tool(session, "Write", file_path="scratch/todo.md", content=content).is_error
    assert (repo / "scratch" / "todo.md").read_text(encoding="utf-8") == content
    with pytest.raises(UndercoverBlocked):
        _tool(session, "Write", file_path="todo.md", content=content)
    assert not (repo / "todo.md").exists()
    edit = {"file_path": "scratch/b.md", "old_string": "", "new_string": "ask nimbus"}
    assert not _tool(session, "Edit", **edit).is_error
    assert (repo / "scratch" / "b.md").read_text(encoding="utf-8") == "ask nimbus"
    with pytest.raises(UndercoverBlocked):
        _tool(session, "Edit", **{**edit, "file_path": "b.md"})
    assert not (repo / "b.md").exists()


def test_redact_filter_rewrites_tracked_files_only(make_session: MakeSession, repo: Path) -> None:
    (repo / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    session = make_session(action="redact")
    content = "Falcon on wiki.corp.example\n"
    assert not _tool(session, "Write", file_path="scratch/a.md", content=content).is_error
    assert (repo / "scratch" / "a.md").read_text(encoding="utf-8") == content
    assert not _tool(session, "Write", file_path="a.md", content=content).is_error
    assert (repo / "a.md").read_text(encoding="utf-8") == "[redacted name] on [redacted host]\n"


def test_redact_leaves_ignored_files_alone(make_session: MakeSession, repo: Path) -> None:
    (repo / ".gitignore").write_text("*.local.md\n", encoding="utf-8")
    session = make_session(action="redact")
    call = ToolCall(id="t1", name="Write", input={"file_path": "me.local.md", "content": "odin"})
    assert _run(session.hooks.rewrite_tool_input(session, call)) is None


def test_session_start_clears_corral_trailer_only_when_active(
    make_session: MakeSession, repo: Path
) -> None:
    active = make_session()
    assert active.attribution.startswith("Co-Authored-By: corral")
    _run(active.hooks.session_start(active))
    assert active.attribution == ""
    names = [s.name for s in _run(active.hooks.system_prompt(active))]
    assert "undercover" in names and "attribution" not in names

    kept = make_session(strip_attribution=False)
    _run(kept.hooks.session_start(kept))
    assert kept.attribution.startswith("Co-Authored-By: corral")

    off = make_session(mode="off")
    _run(off.hooks.session_start(off))
    assert off.attribution.startswith("Co-Authored-By: corral")

    git(repo, "remote", "add", "origin", "https://git.corp.example/x.git")
    internal = make_session(top={"attribution": "Assisted-by: corral"},
                            internal_remotes=["corp.example"])  # fmt: skip
    _run(internal.hooks.session_start(internal))
    assert internal.attribution == "Assisted-by: corral"


def test_human_trailers_pass_vote_and_filter(make_session: MakeSession) -> None:
    message = "Fix the parser\n\nCo-authored-by: Ann Example <ann@example.org>\n" + (
        "Signed-off-by: Bo Example <bo@example.org>"
    )
    session = make_session(action="redact")
    call = ToolCall(id="t1", name="Bash", input={"command": f"git commit -m '{message}'"})
    assert "undercover" not in dict(_run(session.hooks.check_permission(session, call)))
    assert _run(session.hooks.filter_outbound(session, message, "commit")) == message
