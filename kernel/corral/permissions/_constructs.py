"""Shell constructs that are never auto-allowed, whatever the rules say.

Three families, each a place where a word-level reading of a command is not what bash runs:

* characters that display as something else (Unicode spaces, line and paragraph separators,
  control and bidirectional-formatting characters);
* builtins that evaluate an operand as arithmetic or as a variable name with a subscript
  (``let``, ``printf -v``, ``test -v``, ``declare -i``, ``read 'a[$(…)]'`` …), where bash
  runs any ``$(…)`` found in the *value* of a variable;
* assignments and exports of variables that change which program runs or what a shell
  does before running it (``PATH``, ``BASH_ENV``, ``LD_PRELOAD``, ``PS4``, ``GIT_*`` …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

#: Variables that change what runs: the loader, the shell's start-up and prompts, lookups,
#: pagers and editors, interpreters' start-up options, git's helpers, config locations.
RUNS_CODE_ENV = re.compile(
    r"(?:BASH_ENV|ENV|PATH|LD_\w*|DYLD_\w*|PS[0-4]|PROMPT_COMMAND\w*|IFS|SHELLOPTS|BASHOPTS"
    r"|BASH_\w+|CDPATH|GLOBIGNORE|HISTFILE|INPUTRC|HOME|ZDOTDIR|XDG_CONFIG_\w*|XDG_DATA_\w*"
    r"|GIT_\w*|PAGER|MANPAGER|SYSTEMD_PAGER|LESS\w*|EDITOR|VISUAL|BROWSER|TERMINFO\w*"
    r"|PYTHON\w*|NODE_\w*|NPM_CONFIG_\w*|npm_config_\w*|PERL\w*|RUBY\w*|GEM_\w*|BUNDLE_\w*"
    r"|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|CLASSPATH|GO\w*|CGO_\w*|RUST\w*"
    r"|CARGO_\w*|PYTEST_\w*|TOX_\w*|PIP_\w*|VIRTUAL_ENV|CONDA_\w*|MAKEFLAGS|MAKE|MFLAGS"
    r"|CC|CXX|CPP|LD|AR|AS|SHELL|TMPDIR|\w*ASKPASS|SSH_\w*|SUDO_\w*|DOCKER_\w*|KUBECONFIG"
    r"|COMPOSER\w*|PHP\w*|LUA_\w*|R_\w*|JULIA_\w*|DENO_\w*|BUN_\w*|YARN_\w*"
    r"|GCONV_PATH|LOCPATH|NLSPATH|GLIBC_TUNABLES|MALLOC_\w*|OPENSSL_\w*|HOSTALIASES"
    r"|TERMINFO|TERMCAP|MAIL\w*|PROMPT_DIRTRIM|FIGNORE|HISTCONTROL|TIMEFORMAT)"
)
#: Variables that may prefix a command with a plain literal value without changing what runs.
SAFE_ENV_VARS = frozenset(
    {
        "CI", "DEBUG", "NODE_ENV", "RUST_BACKTRACE", "RUST_LOG", "LANG", "LC_ALL", "LC_CTYPE",
        "TZ", "NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES", "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "GOOS", "GOARCH", "CGO_ENABLED",
        "CARGO_TERM_COLOR", "VERBOSE", "LOG_LEVEL",
    }
)
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_.,:+-]*")

#: Characters bash does not treat as blanks but a reader sees as one, or does not see at all.
_SUSPECT_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cs", "Cn"})
_NOT_PLAIN = re.compile(r"[^\t\n\x20-\x7e]")


def safe_prefix(name: str, value: str, dynamic: bool) -> bool:
    """Whether ``name=value`` may prefix a command without a prompt."""
    return name in SAFE_ENV_VARS and not dynamic and _SAFE_VALUE.fullmatch(value) is not None


def runs_code(name: str) -> bool:
    """Whether setting variable ``name`` changes what a command or the shell runs."""
    return name not in SAFE_ENV_VARS and RUNS_CODE_ENV.fullmatch(name) is not None


def suspicious_characters(command: str) -> str | None:
    """Why ``command`` holds characters that hide what it does, or None."""
    for m in _NOT_PLAIN.finditer(command):
        ch = m.group(0)
        category = unicodedata.category(ch)
        if category in _SUSPECT_CATEGORIES or ch in "\x85\u180e":
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            return (f"the command contains {name} (U+{ord(ch):04X}) at position {m.start()}, "
                    "which hides or changes what it does")
    return None


#: Builtins whose operands are variable names (a subscript in one is arithmetic).
_NAME_TAKERS = frozenset({"read", "mapfile", "readarray", "unset", "getopts", "wait"})
_DECLARERS = frozenset({"declare", "typeset", "local", "readonly", "export"})
_NAME_WITH_SUBSCRIPT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\[")
_STATIC_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


def builtin_hazard(values: Sequence[str], dynamic: Sequence[bool]) -> str | None:
    """Why a simple command (``values``, after wrappers) makes bash evaluate data as code.

    ``dynamic[i]`` says whether word ``i`` is only known at run time.
    """
    if not values or dynamic[0]:
        return None
    name = values[0]
    args = values[1:]
    dyn = dynamic[1:]
    if name == "let":
        return "`let` evaluates its operands as arithmetic, running code found in variables"
    if name == "printf" and any(a == "-v" or a.startswith("-v") for a in _options(args)):
        return "`printf -v` assigns to a name whose subscript bash evaluates as code"
    if name in ("test", "[") and any(a in ("-v", "-R") for a in args):
        return f"`{name} -v` evaluates a variable name whose subscript runs code"
    if name in _DECLARERS:
        for a, d in zip(args, dyn, strict=True):
            if d and not _STATIC_ASSIGN.match(a):
                return f"`{name}` of a word known only at run time may evaluate it as code"
            if a.startswith("-") and any(c in a for c in "inA") and name != "export":
                return f"`{name} {a}` makes later assignments evaluate arithmetic or names"
            if _NAME_WITH_SUBSCRIPT.match(a):
                return f"`{name} {a}`: the subscript is evaluated as arithmetic"
        return None
    if name in _NAME_TAKERS:
        if name == "mapfile" or name == "readarray":
            if any(a.startswith("-") and "C" in a for a in _options(args)):
                return f"`{name} -C` runs a callback for every line"
        for a, d in zip(args, dyn, strict=True):
            if d:
                return f"`{name}` with a variable name known only at run time"
            if _NAME_WITH_SUBSCRIPT.match(a) or ("[" in a and not a.startswith("-")):
                return f"`{name} {a}`: the subscript is evaluated as arithmetic"
    return None


def assigned_names(values: Sequence[str]) -> list[str]:
    """The variables an ``export``/``declare``/``readonly``/``env`` command sets or exports."""
    if not values:
        return []
    name = values[0]
    out: list[str] = []
    if name in _DECLARERS:
        for a in values[1:]:
            if not a.startswith("-"):
                out.append(a.split("=", 1)[0].split("+", 1)[0])
    elif name == "env":
        for a in values[1:]:
            if "=" in a and not a.startswith("-"):
                out.append(a.split("=", 1)[0])
            elif not a.startswith("-"):
                break
    return out


def _options(args: Sequence[str]) -> list[str]:
    out: list[str] = []
    for a in args:
        if a == "--" or not a.startswith("-"):
            break
        out.append(a)
    return out
