from __future__ import annotations

from collections.abc import Callable

import pytest
from corral.permissions.chain import decide, tool_is_denied_outright
from corral.permissions.context import PermissionContext
from corral.permissions.decision import Decision, Vote
from corral.tools.base import ToolCall

from tests.permissions.conftest import Proj

Run = Callable[..., Decision]


def call(tool: str, **input: object) -> ToolCall:
    return ToolCall(id="c", name=tool, input=dict(input))


def test_every_decision_names_tier_rule_source_and_reason(run: Run) -> None:
    d = run("Bash", "git push", allow=["Bash(git push:*)"])
    assert (d.decision, d.tier, d.rule, d.source) == ("allow", "rule", "Bash(git push:*)",
                                                      "test-settings")
    assert "git push" in d.reason


def test_deny_beats_ask_beats_allow_regardless_of_specificity(run: Run) -> None:
    rules = {"allow": ["Bash(git push origin main)"], "ask": ["Bash(git push:*)"],
             "deny": ["Bash(git *)"]}
    assert run("Bash", "git push origin main", **rules).decision == "deny"
    rules["deny"] = []
    d = run("Bash", "git push origin main", **rules)
    assert (d.decision, d.rule) == ("ask", "Bash(git push:*)")


def test_deny_rules_see_through_launchers_and_paths(run: Run) -> None:
    for command in ("sudo curl x", "/usr/bin/curl x", "xargs curl < f", "env A=1 curl x",
                    "find . -exec curl {} ;", "timeout 3 curl x", "ls && c\\url x"):
        assert run("Bash", command, deny=["Bash(curl:*)"]).decision == "deny", command


def test_managed_policy_wins_over_everything(proj: Proj) -> None:
    ctx, errors = PermissionContext.build(
        str(proj.root), [("allow", "Bash", "user", None)],
        managed=[("deny", "Bash(curl:*)", "managed", None), ("ask", "Edit(docs/**)", "managed",
                                                               None)],
        home=str(proj.home), mode="bypassPermissions")
    assert errors == []
    d = decide(call("Bash", command="curl x"), ctx, [("p", Vote(decision="allow"))])
    assert (d.decision, d.tier, d.source) == ("deny", "managed", "managed")
    assert decide(call("Edit", file_path="docs/a.md"), ctx).decision == "ask"
    assert decide(call("Edit", file_path="src/a.py"), ctx).decision == "allow"


def test_managed_locks(proj: Proj) -> None:
    ctx, _ = PermissionContext.build(str(proj.root), [("allow", "Bash(make:*)", "user", None)],
                                     managed=[("allow", "Bash(npm test)", "managed", None)],
                                     mode="bypassPermissions", home=str(proj.home),
                                     disable_bypass_mode=True, managed_rules_only=True)
    d = decide(call("Bash", command="make all"), ctx)
    assert d.decision == "ask" and "disabled by managed policy" in d.reason
    d = decide(call("Bash", command="npm test"), ctx)
    assert (d.decision, d.tier) == ("allow", "managed")


def test_hook_votes_tighten_but_never_loosen_rules(proj: Proj) -> None:
    ctx = proj.ctx(allow=["Bash(make:*)"], ask=["Bash(git push:*)"])
    deny = ("guard", Vote(decision="deny", reason="no make today"))
    allow = ("yes", Vote(decision="allow"))
    d = decide(call("Bash", command="make"), ctx, [allow, deny])
    assert (d.decision, d.tier, d.source, d.reason) == ("deny", "hook", "plugin:guard",
                                                        "no make today")
    d = decide(call("Bash", command="make"), ctx, [("a", Vote(decision="ask"))])
    assert (d.decision, d.tier) == ("ask", "hook")
    assert decide(call("Bash", command="git push"), ctx, [allow]).decision == "ask"
    d = decide(call("Bash", command="cargo build"), ctx, [allow])
    assert (d.decision, d.tier, d.source) == ("allow", "hook", "plugin:yes")
    assert decide(call("Edit", file_path=".git/config"), ctx, [allow]).decision == "ask"
    assert decide(call("Bash", command="echo 'unterminated"), ctx, [allow]).decision == "ask"
    assert decide(call("Bash", command="rm -rf /"), ctx, [allow]).decision == "deny"


def test_protected_paths_ask_even_with_allow_rules_except_in_bypass(run: Run) -> None:
    for mode in ("default", "acceptEdits", "dontAsk", "plan"):
        d = run("Edit", {"file_path": ".claude/settings.json"}, allow=["Edit"], mode=mode)
        assert d.decision in ("ask", "deny") and d.tier == "protected", mode
    assert run("Edit", {"file_path": ".claude/memory/x.md"}, allow=["Edit"]).decision == "allow"
    d = run("Edit", {"file_path": ".git/config"}, mode="bypassPermissions")
    assert d.decision == "allow"


def test_modes(run: Run) -> None:
    edit = {"file_path": "src/a.py"}
    assert run("Edit", edit).decision == "ask"
    assert run("Edit", edit, mode="acceptEdits").decision == "allow"
    assert run("Edit", edit, mode="plan").decision == "deny"
    d = run("Edit", edit, mode="dontAsk")
    assert d.decision == "deny" and "dontAsk" in d.reason
    assert run("Edit", edit, mode="bypassPermissions").decision == "allow"
    assert run("Read", {"file_path": "src/a.py"}, mode="plan").decision == "allow"
    assert run("Bash", "git status", mode="plan").decision == "allow"
    assert run("Bash", "make", mode="plan").decision == "deny"
    # plan mode stays read-only even where a rule allows a state-changing command
    assert run("Bash", "make", allow=["Bash(make:*)"], mode="plan").decision == "deny"
    assert run("Bash", "rm x", allow=["Bash(rm:*)"], mode="plan").decision == "deny"
    assert run("Bash", "git log", allow=["Bash(git log:*)"], mode="plan").decision == "allow"
    assert run("Bash", "make", allow=["Bash(make:*)"]).decision == "allow"
    assert run("Bash", "mkdir -p src/new && touch src/new/x", mode="acceptEdits"
               ).decision == "allow"
    assert run("Bash", "mkdir ../x", mode="acceptEdits").decision == "ask"
    assert run("Bash", "echo x > src/y", mode="acceptEdits").decision == "allow"
    assert run("Bash", "echo x > src/y").decision == "ask"
    assert run("Bash", "anything --goes", mode="bypassPermissions").decision == "allow"
    d = run("Bash", "curl x", mode="bypassPermissions", deny=["Bash(curl:*)"])
    assert d.decision == "deny"


def test_writes_outside_the_working_directories_ask_unless_added(proj: Proj, run: Run) -> None:
    target = str(proj.outside / "x.txt")
    assert run("Write", {"file_path": target}, mode="acceptEdits").decision == "ask"
    d = run("Write", {"file_path": target}, mode="acceptEdits",
            additional_directories=[str(proj.outside)])
    assert d.decision == "allow"
    assert run("Read", {"file_path": str(proj.outside / "secret")},
               additional_directories=[str(proj.outside)]).decision == "allow"


def test_read_deny_rules_reach_shell_reads(run: Run) -> None:
    d = run("Bash", "cat .env", deny=["Read(./.env)"])
    assert (d.decision, d.rule) == ("deny", "Read(./.env)")
    assert run("Bash", "grep x < .env", deny=["Read(./.env)"]).decision == "deny"
    assert run("Read", {"file_path": ".ENV"}, deny=["Read(./.env)"]).decision == "deny"


def test_redirection_writes_go_through_edit_rules(run: Run) -> None:
    assert run("Bash", "echo x > src/out", allow=["Edit(src/**)"]).decision == "allow"
    d = run("Bash", "echo x > src/out", allow=["Edit(src/**)"], deny=["Edit(src/out)"])
    assert (d.decision, d.rule) == ("deny", "Edit(src/out)")


def test_webfetch_mcp_and_agents(run: Run) -> None:
    rules = {"allow": ["WebFetch(domain:*.example.com)", "mcp__db"],
             "deny": ["Agent(danger)", "mcp__db__drop"]}
    assert run("WebFetch", {"url": "https://a.example.com/x"}, **rules).decision == "allow"
    assert run("WebFetch", {"url": "https://example.com.evil.net/"}, **rules).decision == "ask"
    assert run("WebFetch", {"url": "https://evil.net\\@a.example.com/"}, **rules
               ).decision == "ask"
    assert run("WebFetch", {"url": "ftp://a.example.com/"}, **rules).decision == "ask"
    assert run("mcp__db__query", {}, **rules).decision == "allow"
    assert run("mcp__db__drop", {}, **rules).decision == "deny"
    assert run("Task", {"subagent_type": "danger"}, **rules).decision == "deny"
    assert run("Task", {"subagent_type": "explore"}, **rules).decision == "allow"


def test_tool_is_denied_outright(proj: Proj) -> None:
    ctx = proj.ctx(deny=["WebSearch", "Edit", "Bash(rm:*)", "mcp__evil"])
    assert tool_is_denied_outright("WebSearch", ctx)
    assert tool_is_denied_outright("Write", ctx)
    assert tool_is_denied_outright("mcp__evil__x", ctx)
    assert not tool_is_denied_outright("Bash", ctx)
    assert not tool_is_denied_outright("Read", ctx)


def test_with_tools_teaches_the_chain_plugin_tools(proj: Proj) -> None:
    ctx = proj.ctx()
    assert decide(call("Lookup"), ctx).decision == "ask"
    assert decide(call("Lookup"), ctx.with_tools({"Lookup": "readonly"})).decision == "allow"


@pytest.mark.parametrize("command", ["rm -rf build", "rm -r $DIR"])
def test_recursive_deletes_are_not_critical_unless_vital(run: Run, command: str) -> None:
    d = run("Bash", command, mode="bypassPermissions")
    assert d.decision == ("allow" if command == "rm -rf build" else "ask")


def test_path_is_read_denied_for_directory_walkers(proj: Proj) -> None:
    from corral.permissions.chain import path_is_read_denied

    ctx = proj.ctx(deny=["Read(./.env)", "Read(secrets/**)"])
    assert path_is_read_denied(".env", ctx)
    assert path_is_read_denied(str(proj.root / "secrets" / "k"), ctx)
    assert not path_is_read_denied("src/a.py", ctx)


def test_tee_after_double_dash_writes_the_file(run: Run) -> None:
    assert run("Bash", "ls | tee -- -x", mode="default").decision == "ask"
    assert run("Bash", "ls | tee -- .env", mode="acceptEdits").tier == "protected"
    assert run("Bash", "jq -f /etc/passwd").decision == "ask"
