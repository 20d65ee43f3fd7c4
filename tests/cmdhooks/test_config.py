"""Reading hook settings and matching, without running anything."""

from __future__ import annotations

from corral.cmdhooks import DEFAULT_TIMEOUT_S, read_hooks
from corral.cmdhooks._match import matches
from corral.config.layers import Layer


def _layer(name: str, hooks: object, **extra: object) -> Layer:
    return Layer(name=name, source=f"/{name}.toml", data={"hooks": hooks, **extra})


def test_hooks_from_every_layer_in_order_with_sources() -> None:
    cmd = {"type": "command", "command": "a"}
    table = read_hooks([
        _layer("user", {"Stop": [{"hooks": [cmd]}]}),
        _layer("project", {"Stop": [{"matcher": "", "hooks": [{**cmd, "command": "b",
                                                                  "timeout": 5}]}]}),
    ])
    assert [(h.command, h.source, h.timeout) for h in table.for_event("Stop")] == [
        ("a", "/user.toml", DEFAULT_TIMEOUT_S), ("b", "/project.toml", 5.0)]
    assert table.errors == [] and table.managed_only is False


def test_the_managed_lock_keeps_only_managed_hooks() -> None:
    cmd = {"type": "command", "command": "x"}
    table = read_hooks([
        _layer("project", {"Stop": [{"hooks": [cmd]}]}),
        _layer("managed", {"Stop": [{"hooks": [{**cmd, "command": "policy"}]}]},
               permissions={"managed_hooks_only": True}),
    ])
    assert [h.command for h in table.for_event("Stop")] == ["policy"]
    assert table.managed_only is True


def test_problems_are_reported_with_their_place_and_the_rest_loads() -> None:
    table = read_hooks([_layer("project", {
        "Stop": [
            {"hooks": [{"type": "command"}]},
            {"matcher": 3, "hooks": []},
            {"matcher": "", "hooks": [{"type": "command", "command": "ok", "timeout": -1}]},
            {"hooks": [{"type": "command", "command": "fine"}], "extra": 1},
            {"hooks": [{"type": "command", "command": "kept"}]},
            {"matcher": "Bash(", "hooks": [{"type": "command", "command": "bad regex"}]},
            {"hooks": [{"type": "mcp_tool", "prompt": "judge this"}]},
            {"hooks": [{"type": "prompt", "prompt": "judge this"}]},
            {"hooks": [{"type": "http", "url": "ftp://example.invalid/"}]},
        ],
        "Nope": [],
    })])
    assert [h.command for h in table.for_event("Stop")] == ["fine", "kept", "judge this"]
    joined = "\n".join(table.errors)
    assert "/project.toml: hooks.Stop[0].hooks[0]: `command` must be" in joined
    assert "hooks.Stop[1]: `matcher` must be a string" in joined
    assert "hooks.Stop[2].hooks[0]: `timeout` must be a positive number" in joined
    assert "hooks.Nope: unknown hook event" in joined
    assert "hooks.Stop[5]: matcher 'Bash(' is not a valid regular expression" in joined
    assert "hooks.Stop[6].hooks[0]: hooks of type 'mcp_tool' are not run" in joined
    assert "hooks.Stop[8].hooks[0]: `url` must be an http:// or https:// URL" in joined
    assert len(table.errors) == 7
    assert table.unused == ["/project.toml: hooks.Stop[3]: field(s) extra not used by corral "
                            "(ignored; the hook runs)"]


def test_unknown_entry_fields_are_ignored_and_listed() -> None:
    entry = {"type": "command", "command": "guard", "statusMessage": "checking",
             "once": False, "x-team": {"owner": "ops"}}
    table = read_hooks([_layer("project", {"PreToolUse": [{"matcher": "Bash",
                                                          "hooks": [entry]}]})])
    [hook] = table.for_event("PreToolUse")
    assert (hook.command, hook.matcher, hook.where) == ("guard", "Bash",
                                                       "hooks.PreToolUse[0].hooks[0]")
    assert table.broken == []
    [note] = table.unused
    assert "hooks.PreToolUse[0].hooks[0]: field(s) x-team" in note


def test_broken_entries_guard_the_tools_they_could_match() -> None:
    table = read_hooks([_layer("project", {
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "agent"}]}],
        "PostToolUse": [{"matcher": "Edit|(", "hooks": [{"type": "command", "command": "c"}]}],
        "Stop": [{"hooks": [{"command": "no type"}]}],
    })])
    assert {b.where for b in table.broken_for_tool("Bash")} == {
        "hooks.PreToolUse[0].hooks[0]", "hooks.PostToolUse[0]"}
    # a matcher that does not compile could have meant any tool
    assert [b.where for b in table.broken_for_tool("Read")] == ["hooks.PostToolUse[0]"]
    # a broken Stop hook guards no tool call, but is still an error
    assert any(b.where == "hooks.Stop[0].hooks[0]" for b in table.broken)
    whole = read_hooks([_layer("project", ["not", "a", "table"])])
    assert [b.where for b in whole.broken_for_tool("Glob")] == ["hooks"]


def test_matchers() -> None:
    assert matches("", "Bash") and matches("*", "Bash") and matches("Bash", None)
    assert matches("Bash", "Bash") and not matches("Bash", "BashOutput")
    assert matches("Edit|Write", "Write") and not matches("Edit|Write", "MultiEdit2")
    assert matches("Notebook.*", "NotebookEdit") and matches("mcp__gh__.*", "mcp__gh__pr")
    assert not matches("Notebook.*", "Read")
    assert not matches("(", "(")  # a regex that does not compile matches nothing
