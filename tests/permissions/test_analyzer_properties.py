"""Property tests for the analyzer's fail-closed constructs: wherever they appear in a
command that would otherwise be allowed, the command is never auto-allowed."""

from __future__ import annotations

import os
import tempfile
import unicodedata

from corral.permissions.chain import decide
from corral.permissions.context import PermissionContext
from corral.tools.base import ToolCall
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.permissions.conftest import BYPASS_RULES

_ROOT = tempfile.mkdtemp(prefix="corral-analyzer-prop-")
_CWD = os.path.join(_ROOT, "project")
_HOME = os.path.join(_ROOT, "home")
os.makedirs(os.path.join(_CWD, "src"), exist_ok=True)
os.makedirs(_HOME, exist_ok=True)
CTX, _ = PermissionContext.build(_CWD, [("allow", r, "prop", _CWD) for r in BYPASS_RULES],
                                 home=_HOME)
ACCEPT = CTX.with_mode("acceptEdits")

#: Commands allowed as they are; every property below starts from one of them.
ALLOWED = ["git status", "ls -la src", "cat src/a.py", "echo hi", "npm run test", "wc -l src"]
names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)


def _verdict(command: str, ctx: PermissionContext = CTX) -> str:
    return decide(ToolCall(id="p", name="Bash", input={"command": command}), ctx).decision


def test_the_starting_commands_are_allowed() -> None:
    assert all(_verdict(c) == "allow" for c in ALLOWED)


@st.composite
def eval_constructs(draw: st.DrawFn) -> str:
    """A word or command where bash evaluates data (a variable's value) as code."""
    a, b = draw(names), draw(names)
    return draw(st.sampled_from([
        f"$(( {a} ))", f"$(( {a}[${b}] + 1 ))", f"$[{a}]", f"${{{a}[${b}]}}", f"${{{a}[{b}]}}",
        f"${{!{a}}}", f"${{{a}@P}}", f"${{{a}:${b}}}", f"${{{a}:{b}:1}}",
        f"$(printf -v {a} x)", f"$(test -v {a})", f"$([ -v {a} ])", f"$(let {a}++)",
        f"$(declare -i {a}=${b})", f"$(read '{a}[$({b})]')", f"$(unset '{a}[${b}]')",
    ]))


@given(st.sampled_from(ALLOWED), eval_constructs(), st.sampled_from([" ", "; echo ", " && echo "]))
@settings(max_examples=300, deadline=None)
def test_eval_from_data_is_never_allowed(base: str, construct: str, glue: str) -> None:
    command = f"{base}{glue}{construct}"
    assert _verdict(command) != "allow", command
    assert _verdict(command, ACCEPT) != "allow", command


runs_code_names = st.one_of(
    st.sampled_from(["BASH_ENV", "ENV", "PATH", "PS4", "PROMPT_COMMAND", "IFS", "PAGER",
                     "EDITOR", "VISUAL", "NODE_OPTIONS", "RUBYOPT", "SHELLOPTS", "HOME"]),
    st.from_regex(r"(LD_|DYLD_|GIT_|PYTHON|PERL5)[A-Z_]{1,10}", fullmatch=True)
    .filter(lambda n: n not in ("PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE",
                                "PYTHONHASHSEED")),
)


@given(st.sampled_from(ALLOWED), runs_code_names, st.sampled_from(["x", "./src", "$(id)"]),
       st.sampled_from(["{n}={v} {c}", "export {n}={v}; {c}", "{n}={v}; {c}",
                        "{n}={v} bash -c '{c}'", "declare -x {n}={v}; {c}",
                        "env {n}={v} {c}"]))
@settings(max_examples=300, deadline=None)
def test_variables_that_change_what_runs_always_ask(base: str, name: str, value: str,
                                                    shape: str) -> None:
    command = shape.format(n=name, v=value, c=base)
    assert _verdict(command) != "allow", command
    assert _verdict(command, ACCEPT) != "allow", command


_hidden = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Co"]).filter(
    lambda c: c not in " \t\n")


@given(st.sampled_from(ALLOWED), _hidden, st.data())
@settings(max_examples=300, deadline=None)
def test_hidden_characters_always_ask(base: str, char: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(base)))
    command = base[:at] + char + base[at:]
    assert unicodedata.category(char) != "Ll"
    assert _verdict(command) != "allow", repr(command)


# ------------------------------------------------------------------ option specs

from corral.permissions._commands import SPECS  # noqa: E402
from corral.permissions._git import _SUBCOMMANDS, git_paths  # noqa: E402
from corral.permissions._readonly import readonly_paths  # noqa: E402
from corral.permissions._specs import Parsed, parse  # noqa: E402
from corral.permissions.shell import ShellWord  # noqa: E402

_FORBIDDEN_LONG = sorted(
    (name, f[2:]) for name, s in SPECS.items() for f in s.forbid if f.startswith("--"))
_GIT_FORBIDDEN = sorted(
    (sub, f[2:]) for sub, s in _SUBCOMMANDS.items() for f in s.forbid if f.startswith("--"))


@given(st.sampled_from(_FORBIDDEN_LONG), st.data())
@settings(max_examples=400, deadline=None)
def test_no_abbreviation_of_a_forbidden_option_passes(pair: tuple[str, str],
                                                      data: st.DataObject) -> None:
    command, option = pair
    cut = data.draw(st.integers(1, len(option)))
    prefix = option[:cut]
    spec = SPECS[command]
    value = data.draw(st.sampled_from(["", "=/tmp/x"]))
    result = parse(spec, [ShellWord(f"--{prefix}{value}"), ShellWord("src/a.py")])
    if prefix not in spec.all_long - spec.forbid_long:
        assert not isinstance(result, Parsed), (command, prefix)


@given(st.sampled_from(_GIT_FORBIDDEN), st.data())
@settings(max_examples=300, deadline=None)
def test_no_abbreviation_of_a_forbidden_git_option_passes(pair: tuple[str, str],
                                                          data: st.DataObject) -> None:
    sub, option = pair
    prefix = option[: data.draw(st.integers(1, len(option)))]
    spec = _SUBCOMMANDS[sub]
    words = [ShellWord(sub), ShellWord(f"--{prefix}=/tmp/x")]
    if prefix not in spec.all_long - spec.forbid_long:
        assert git_paths(words) is None, (sub, prefix)


_SHORT = sorted((name, c) for name, s in SPECS.items() for c in s.flags + s.valued)


@given(st.sampled_from(_SHORT), st.sampled_from(["/elsewhere/file", "../up/file"]))
@settings(max_examples=400, deadline=None)
def test_every_short_option_keeps_the_file_operand_checked(pair: tuple[str, str],
                                                           target: str) -> None:
    """Wrong arity hides a file: whatever option precedes it, the file stays a path."""
    command, c = pair
    spec = SPECS[command]
    words = [ShellWord(command), ShellWord(f"-{c}")]
    if c in spec.valued:
        words.append(ShellWord("1"))
    if spec.operands in ("pattern", "filter"):
        words.append(ShellWord("."))
    words.append(ShellWord(target))
    paths = readonly_paths(words)
    if paths is not None and spec.operands != "none":
        assert target in [p.value for p in paths], (command, c)
