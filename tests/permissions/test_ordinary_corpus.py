"""Everyday commands and edits go through without a prompt under a typical rule set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from corral.permissions.decision import Decision

from tests.permissions.conftest import Proj

TYPICAL_ALLOW = [
    "Bash(npm run test:*)", "Bash(npm run lint)", "Bash(npm install)", "Bash(git add:*)",
    "Bash(git commit:*)", "Bash(pytest *)", "Bash(make *)", "Bash(cargo test *)",
    "Bash(cargo build *)", "Edit(src/**)", "Edit(tests/**)", "Edit(docs/**)",
    "WebFetch(domain:docs.python.org)", "WebFetch(domain:*.github.com)", "mcp__docs",
]
TYPICAL_DENY = ["Read(./.env)", "Bash(git push --force:*)"]

COMMANDS = [
    "ls", "ls -la", "ls src", "ls -la src tests", "git status", "git status --short",
    "git diff", "git diff --stat", "git diff HEAD~1 -- src/a.py", "git log --oneline -20",
    "git log -p src", "git show HEAD", "git show HEAD:src/a.py", "git branch", "git branch -a",
    "git branch --show-current", "git blame src/a.py", "git rev-parse HEAD", "git ls-files",
    "git stash list", "git remote -v", "git tag", "cat README.md", "head -n 20 src/a.py",
    "tail -n 5 src/a.py", "wc -l src/*.py", 'grep -rn "TODO" src', "grep -e /api/ -r src",
    "rg foo src", 'rg -t py "def main"', "find . -name '*.py'", "find src -type f | wc -l",
    "pwd", "echo hello", "echo $HOME", "cat src/a.py | grep print", "sort src/a.py | uniq -c",
    "du -sh src", "npm run test", "npm run test -- --watch", "npm run lint", "npm install",
    "git add src/a.py", 'git commit -m "fix: thing"',
    "git commit -m \"$(cat <<'EOF'\nfix: a message\n\nwith a body (and parens)\nEOF\n)\"",
    "pytest tests/ -q", "pytest -x", "make build", "cargo test --all",
    "NODE_ENV=test npm run test", "timeout 60 npm run test", "cd src && ls",
    "git status && git diff --stat", "ls 2>/dev/null", "grep -q print src/a.py && echo found",
    "echo done > src/out.txt", "npm run test 2>&1 | tee tests/test.log",
    "git diff > docs/patch.diff", "bash -c 'git status'", "(cd src && ls)",
    "if [ -f README.md ]; then cat README.md; fi", "for f in a b; do echo $f; done",
    "jq .name package.json", "diff src/a.py src/a.py", "git log --oneline | head -5",
    "cat src/a.py | sort | uniq | wc -l", "realpath src/a.py", "stat src/a.py",
]

TOOLS: list[tuple[str, dict[str, Any]]] = [
    ("Read", {"file_path": "src/a.py"}),
    ("Read", {"file_path": "README.md"}),
    ("Read", {"file_path": "./docs/x.md"}),
    ("Glob", {"pattern": "**/*.py"}),
    ("Grep", {"pattern": "foo", "path": "src"}),
    ("LS", {"path": "src"}),
    ("Edit", {"file_path": "src/a.py"}),
    ("Write", {"file_path": "tests/test_a.py"}),
    ("MultiEdit", {"file_path": "docs/index.md"}),
    ("NotebookEdit", {"notebook_path": "src/nb.ipynb"}),
    ("WebFetch", {"url": "https://docs.python.org/3/library/re.html"}),
    ("WebFetch", {"url": "https://api.github.com/repos/x/y"}),
    ("mcp__docs__search", {"q": "x"}),
    ("TodoWrite", {"todos": []}),
    ("WebSearch", {"query": "python re"}),
    ("Task", {"subagent_type": "explore", "prompt": "look"}),
]


def test_corpus_is_large_enough() -> None:
    assert len(COMMANDS) + len(TOOLS) >= 60


@pytest.mark.parametrize("command", COMMANDS)
def test_ordinary_command_is_allowed(proj: Proj, run: Callable[..., Decision],
                                     command: str) -> None:
    ctx = proj.ctx(allow=TYPICAL_ALLOW, deny=TYPICAL_DENY)
    decision = run("Bash", command, ctx=ctx)
    assert decision.decision == "allow", decision.reason


@pytest.mark.parametrize(("tool", "input"), TOOLS, ids=[t for t, _ in TOOLS])
def test_ordinary_tool_call_is_allowed(proj: Proj, run: Callable[..., Decision], tool: str,
                                       input: dict[str, Any]) -> None:
    ctx = proj.ctx(allow=TYPICAL_ALLOW, deny=TYPICAL_DENY)
    decision = run(tool, input, ctx=ctx)
    assert decision.decision == "allow", decision.reason
