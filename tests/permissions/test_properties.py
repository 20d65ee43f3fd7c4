"""Property tests: whatever the command string, allow needs every part to be allowed."""

from __future__ import annotations

import os
import tempfile

import bashlex
from corral.permissions._readonly import readonly_paths
from corral.permissions.chain import decide
from corral.permissions.context import PermissionContext
from corral.permissions.shell import analyze
from corral.tools.base import ToolCall
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.permissions.conftest import BYPASS_RULES

_ROOT = tempfile.mkdtemp(prefix="corral-perm-prop-")
_CWD = os.path.join(_ROOT, "project")
_HOME = os.path.join(_ROOT, "home")
os.makedirs(os.path.join(_CWD, "src"), exist_ok=True)
os.makedirs(_HOME, exist_ok=True)
CTX, _ERRORS = PermissionContext.build(
    _CWD, [("allow", r, "prop", _CWD) for r in BYPASS_RULES], home=_HOME)
RULES = CTX.rules.for_tool("allow", "Bash", "bash")

TOKENS = [
    "git", "status", "npm", "run", "test", "test:unit", "ls", "-la", "rm", "-rf", "x",
    "src/a.py", "../x", "~/.bashrc", ".git/config", "/etc/passwd", ">", ">>", "<", "2>&1", "|",
    "tee", "$(", ")", "`", "'", '"', "\\", "$X", "${X}", "eval", "sh", "-c", "bash", "xargs",
    "find", "-exec", "-delete", "{}", "\\;", "cat", "echo", "LD_PRELOAD=x", "CI=1", "timeout",
    "5", "nice", "(", "{", "}", "if", "then", "fi", "<<EOF", "EOF", "#", "*", "?", "~",
    "\u00a0", "\uff47it", "curl", "&", "||", "&&", ";", "\n", "$'\\x41'", "<(", ">(",
]
SEPARATORS = [" ", " ", " ", "", "\t", "\n", ";", "&&", "|", " & "]

GOOD = ["git status", "ls -la", "npm run test", "cat src/a.py", "echo hi", "ls", "git diff"]

_tails = st.lists(
    st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), min_size=1, max_size=14
).map(lambda parts: "".join(t + s for t, s in parts))
commands = st.one_of(
    _tails,
    st.tuples(st.sampled_from(GOOD), st.sampled_from(SEPARATORS), _tails).map("".join),
    st.lists(st.sampled_from(GOOD), min_size=1, max_size=4).flatmap(
        lambda good: st.tuples(st.just(good), st.lists(st.sampled_from(SEPARATORS),
                                                       min_size=len(good), max_size=len(good)))
    ).map(lambda gs: "".join(g + s for g, s in zip(*gs, strict=True))),
)


def _decide(command: str) -> str:
    return decide(ToolCall(id="p", name="Bash", input={"command": command}), CTX).decision


def _part_is_allowed(words: tuple[object, ...], text: str, head_dynamic: bool) -> bool:
    by_rule = not head_dynamic and any(r.matches_bash([text]) for r in RULES)
    return by_rule or readonly_paths(words) is not None  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands)
def test_allow_implies_every_part_is_allowed(command: str) -> None:
    if _decide(command) != "allow":
        return
    analysis = analyze(command, CTX.home, CTX.cwd)
    assert analysis.problems == ()
    for cmd in analysis.commands:
        if cmd.container:
            continue
        assert cmd.words and not cmd.unsafe_env
        assert _part_is_allowed(cmd.words, cmd.text, cmd.words[0].dynamic), cmd
    for f in analysis.files:
        assert f.path == "/dev/null" or not f.write or f.path.startswith("src/"), f


_NAMES = {"git", "npm", "ls", "cat", "echo", "tee", "eval", "sh", "bash", "timeout", "nice",
          "find", "true", "false", "pwd", "test", "["}


def _bashlex_heads(command: str) -> list[str] | None:
    try:
        trees = bashlex.parse(command)
    except Exception:
        return None
    heads: list[str] = []

    class Visitor(bashlex.ast.nodevisitor):
        def visitcommand(self, node: object, parts: list[object]) -> None:
            words = [p.word for p in parts if getattr(p, "kind", "") == "word"]  # type: ignore[attr-defined]
            if words:
                heads.append(words[0])

    for tree in trees:
        Visitor().visit(tree)
    return heads


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(commands)
def test_allow_agrees_with_an_independent_parser(command: str) -> None:
    """Where bashlex parses the command, every command it sees runs an allowed program."""
    if _decide(command) != "allow" or "#" in command:
        return  # bashlex reads `;# text` as a command named `text`; bash sees a comment
    heads = _bashlex_heads(command)
    if heads is None:
        return
    for head in heads:
        assert head in _NAMES, (command, heads)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_decision_with_a_reason(command: str) -> None:
    d = decide(ToolCall(id="p", name="Bash", input={"command": command}), CTX)
    assert d.decision in ("allow", "ask", "deny") and d.reason
