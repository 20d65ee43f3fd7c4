from __future__ import annotations

import os
from pathlib import Path

import pytest
from corral.errors import CorralError
from corral.permissions.rules import RuleError, RuleSet, parse_rule
from corral.permissions.shell import analyze


def bash_allows(rule: str, command: str) -> bool:
    _, compiled = parse_rule(rule, "allow", "test")
    cmds = analyze(command, "/home/u", "/w").commands
    assert len(cmds) == 1
    return compiled.matches_bash([cmds[0].text])


@pytest.mark.parametrize(
    ("rule", "command", "expected"),
    [
        ("Bash(git status)", "git status", True),
        ("Bash(git status)", "git status --short", False),
        ("Bash(git status)", "git  'status'", True),
        ("Bash(npm run test:*)", "npm run test", True),
        ("Bash(npm run test:*)", "npm run test -- --watch", True),
        ("Bash(npm run test:*)", "npm run testing", False),
        ("Bash(npm run test:*)", "npm run test:unit", False),
        ("Bash(ls *)", "ls", True),
        ("Bash(ls *)", "ls -la", True),
        ("Bash(ls *)", "lsof", False),
        ("Bash(ls*)", "lsof", True),
        ("Bash(ls*)", "ls -la", True),
        ("Bash(git diff *)", "git diff HEAD -- a.py", True),
        ("Bash(git diff *)", "git diffx", False),
        ("Bash(git * main)", "git checkout main", True),
        ("Bash(git * main)", "git checkout dev", False),
        ("Bash(git commit -m *)", 'git commit -m "two words"', True),
        ("Bash(echo \\*)", "echo '*'", True),
        ("Bash(echo \\*)", "echo hi", False),
        ("Bash", "anything at all", True),
        ("Bash(*)", "anything at all", True),
    ],
)
def test_bash_specifiers(rule: str, command: str, expected: bool) -> None:
    assert bash_allows(rule, command) is expected


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[str, str, str]:
    cwd = tmp_path / "proj" / "sub"
    root = tmp_path / "proj"
    home = tmp_path / "home"
    for d in (cwd, home):
        d.mkdir(parents=True)
    return str(cwd), str(root), str(home)


@pytest.mark.parametrize(
    ("rule", "path", "expected"),
    [
        ("Read(src/**)", "{cwd}/src/a/b.py", True),
        ("Read(src/**)", "{cwd}/other/src/a.py", False),
        ("Read(src)", "{cwd}/src/a.py", True),
        ("Read(*.env)", "{cwd}/deep/dir/x.env", True),
        ("Read(.env)", "{cwd}/a/.env", True),
        ("Read(./.env)", "{cwd}/a/.env", False),
        ("Read(./.env)", "{cwd}/.env", True),
        ("Read(docs/*.md)", "{cwd}/docs/a.md", True),
        ("Read(docs/*.md)", "{cwd}/docs/x/a.md", False),
        ("Read(docs/**/*.md)", "{cwd}/docs/x/y/a.md", True),
        ("Read(docs/**/*.md)", "{cwd}/docs/a.md", True),
        ("Read(//etc/**)", "/etc/hosts", True),
        ("Read(//etc/**)", "{cwd}/etc/hosts", False),
        ("Read(~/notes/**)", "{home}/notes/a.txt", True),
        ("Read(~/notes/**)", "{cwd}/notes/a.txt", False),
        ("Read(/lib/**)", "{root}/lib/x.py", True),
        ("Read(/lib/**)", "{cwd}/lib/x.py", False),
        ("Read(file?.txt)", "{cwd}/file1.txt", True),
        ("Read(file[0-9].txt)", "{cwd}/filex.txt", False),
        ("Read(//**)", "/anything/at/all", True),
    ],
)
def test_path_specifiers(dirs: tuple[str, str, str], rule: str, path: str,
                         expected: bool) -> None:
    cwd, root, home = dirs
    _, compiled = parse_rule(rule, "allow", "settings.json", root_dir=root)
    real = path.format(cwd=os.path.realpath(cwd), root=os.path.realpath(root),
                       home=os.path.realpath(home))
    assert compiled.matches_path(real, os.path.realpath(cwd), os.path.realpath(home)) is expected


def test_deny_path_rules_ignore_case_allow_rules_do_not() -> None:
    _, deny = parse_rule("Read(.env)", "deny", "s")
    _, allow = parse_rule("Read(.env)", "allow", "s")
    assert deny.matches_path("/w/.ENV", "/w", "/h")
    assert not allow.matches_path("/w/.ENV", "/w", "/h")


def test_edit_rules_cover_every_file_writing_tool() -> None:
    _, edit = parse_rule("Edit(src/**)", "allow", "s")
    for tool in ("Edit", "Write", "MultiEdit", "NotebookEdit"):
        assert edit.applies_to(tool, "edit")
    assert not edit.applies_to("Read", "read")
    _, write = parse_rule("Write(src/**)", "allow", "s")
    assert write.applies_to("Write", "edit") and not write.applies_to("Edit", "edit")


def test_domain_rules() -> None:
    _, exact = parse_rule("WebFetch(domain:example.com)", "allow", "s")
    _, sub = parse_rule("WebFetch(domain:*.example.com)", "allow", "s")
    assert exact.matches_host("example.com") and not exact.matches_host("a.example.com")
    assert sub.matches_host("a.example.com") and sub.matches_host("x.y.example.com")
    assert not sub.matches_host("example.com") and not sub.matches_host("badexample.com")


def test_mcp_and_agent_rules() -> None:
    _, server = parse_rule("mcp__github", "allow", "s")
    _, tool = parse_rule("mcp__github__create_issue", "allow", "s")
    _, star = parse_rule("mcp__github__*", "allow", "s")
    assert server.applies_to("mcp__github__list", "other")
    assert not server.applies_to("mcp__githubx__list", "other")
    assert tool.applies_to("mcp__github__create_issue", "other")
    assert not tool.applies_to("mcp__github__delete", "other")
    assert star.applies_to("mcp__github__delete", "other")
    _, agent = parse_rule("Agent(explore)", "deny", "s")
    assert agent.applies_to("Task", "agent") and agent.regex is not None
    assert agent.regex.fullmatch("explore") and not agent.regex.fullmatch("explorer")


def test_rule_keeps_text_kind_source_and_root() -> None:
    rule, _ = parse_rule(" Edit(src/**) ", "ask", "/p/.claude/settings.json", root_dir="/p")
    assert (rule.text, rule.kind, rule.source, rule.root_dir, rule.tool, rule.specifier) == (
        "Edit(src/**)", "ask", "/p/.claude/settings.json", "/p", "Edit", "src/**")


def test_invalid_rules_are_reported_with_source_and_position_and_the_rest_load() -> None:
    rules, errors = RuleSet.from_sources([
        ("allow", "Bash(git status)", "a.toml", None),
        ("allow", "Bash(", "a.toml", None),
        ("allow", "Read(src/[abc)", "a.toml", None),
        ("deny", "WebFetch(example.com)", "b.json", None),
        ("deny", "Bash()", "b.json", None),
        ("allow", "Foo(bar)", "b.json", None),
        ("allow", "Read(src/**)", "a.toml", None),
        ("maybe", "Bash", "c.toml", None),
    ])
    assert [r.text for r in rules.rules] == ["Bash(git status)", "Read(src/**)"]
    assert [(e.source, e.kind, e.index) for e in errors] == [
        ("a.toml", "allow", 1), ("a.toml", "allow", 2), ("b.json", "deny", 0),
        ("b.json", "deny", 1), ("b.json", "allow", 0), ("c.toml", "maybe", 0)]
    assert all(isinstance(e, CorralError) for e in errors)
    assert "a.toml: permissions.allow[1] 'Bash('" in str(errors[0])
    assert errors[1].column == len("Read(src/") and "unclosed '['" in str(errors[1])
    assert "domain:" in str(errors[2])


def test_parse_rule_raises_rule_error() -> None:
    with pytest.raises(RuleError, match="expected Tool or Tool"):
        parse_rule("(x)", "allow", "s")
