"""Paths as the chain sees them: resolved, inside or outside the working directories,
protected or not, and the deletions no mode may allow."""

from __future__ import annotations

import glob as _glob
import os
import re
from collections.abc import Iterable, Sequence

#: Directory names whose contents are never written without a prompt (bypass mode aside).
PROTECTED_DIRS = frozenset({".git", ".claude", ".vscode", ".idea", ".ssh"})
#: File names never written without a prompt (bypass mode aside).
PROTECTED_FILES = frozenset(
    {
        ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc",
        ".zprofile", ".zshenv", ".zlogin", ".zlogout", ".cshrc", ".tcshrc", ".kshrc",
        ".inputrc", ".gitconfig", ".gitmodules", ".npmrc", ".pypirc", ".netrc", "config.fish",
    }
)
_GLOB_CHARS = re.compile(r"[*?\[]")
_MAX_GLOB_MATCHES = 500


def expand_tilde(path: str, home: str) -> str:
    """``~`` and ``~/…`` with ``home``; ``~user/…`` with that user's home directory, as bash
    and ``os.path.expanduser`` do (an unknown user stays literal)."""
    if not path.startswith("~"):
        return path
    if path == "~" or path.startswith("~/"):
        return home + path[1:]
    user, sep, rest = path[1:].partition("/")
    try:
        import pwd

        user_home = pwd.getpwnam(user).pw_dir
    except (KeyError, ImportError, OSError):
        return path
    return user_home.rstrip("/") + (sep + rest if sep else "") or "/"


def resolve(path: str, base: str, home: str) -> str:
    """``path`` made absolute against ``base``, with ``~``, ``..`` and symlinks resolved.

    The permission check and the file tools share this resolver (through :func:`lexical`
    for the tools, which leave symlinks to the operating system)."""
    return os.path.realpath(os.path.join(base, expand_tilde(path, home)))


def lexical(path: str, base: str, home: str) -> str:
    """``path`` made absolute and normalised without touching the file system."""
    return os.path.normpath(os.path.join(base, expand_tilde(path, home)))


def is_within(path: str, directory: str) -> bool:
    """Whether resolved ``path`` is ``directory`` or inside it."""
    if directory == "/":
        return path.startswith("/")
    return path == directory or path.startswith(directory + "/")


def within_any(path: str, directories: Iterable[str]) -> bool:
    return any(is_within(path, d) for d in directories)


#: A bracket expression Python's glob reads as bash does: a plain set or range, optionally
#: negated with ``!`` (``[^…]`` and ``[[:class:]]`` differ, so they are never expanded here).
_PLAIN_BRACKET = re.compile(r"\[!?[A-Za-z0-9_.,+-]+\]")


def expand_candidates(value: str, base: str, home: str) -> list[str] | None:
    """Every resolved path a (possibly globbed) word may name, or None when too many, or
    when the glob uses syntax whose matches Python's glob would not find as bash does."""
    if not _GLOB_CHARS.search(value):
        return [resolve(value, base, home)]
    if "[" in _PLAIN_BRACKET.sub("", value) or "]" in _PLAIN_BRACKET.sub("", value):
        return None
    absolute = lexical(value, base, home)
    parts = absolute.split("/")
    static: list[str] = []
    for part in parts:
        if _GLOB_CHARS.search(part):
            break
        static.append(part)
    prefix = "/".join(static) or "/"
    found = [resolve(prefix, "/", home)]
    for i, match in enumerate(_glob.iglob(absolute)):
        if i >= _MAX_GLOB_MATCHES:
            return None
        found.append(os.path.realpath(match))
    return found


def protected_reason(path: str, home: str) -> str | None:
    """Why writing resolved ``path`` needs a prompt, or None when it is not protected.

    Names are compared case-insensitively so case-insensitive file systems cannot dodge it.
    """
    parts = [p.lower() for p in path.split("/") if p]
    for i, part in enumerate(parts[:-1]):
        if part in PROTECTED_DIRS:
            if part == ".claude" and parts[i + 1] == "memory":
                continue
            return f"{path} is inside a protected {part}/ directory"
    name = parts[-1] if parts else ""
    if name in PROTECTED_DIRS:
        return f"{path} is a protected {name} directory"
    if name in PROTECTED_FILES:
        return f"{path} is a protected file ({name})"
    if name.startswith(".env"):
        return f"{path} is a protected environment file"
    return None


def critical_deletion(
    argv: Sequence[str],
    dynamic: Sequence[bool],
    bases: Sequence[str],
    home: str,
    keep: Sequence[str],
) -> tuple[str, bool] | None:
    """Judge a recursive ``rm`` (or ``find … -delete``) for deleting a vital directory.

    :param keep: The directories that must survive (the working directories).
    :return: ``(reason, certain)``: certain means denied outright; otherwise the target is
        only known at run time and the command must ask. None when it is not critical.
    """
    name = os.path.basename(argv[0]) if argv else ""
    targets: list[int] = []
    if name == "rm":
        recursive = False
        options_done = False
        for i, arg in enumerate(argv[1:], start=1):
            if not options_done and arg == "--":
                options_done = True
            elif not options_done and arg.startswith("--"):
                recursive = recursive or arg == "--recursive"
            elif not options_done and arg.startswith("-") and len(arg) > 1:
                recursive = recursive or "r" in arg or "R" in arg
            else:
                targets.append(i)
        if not recursive:
            return None
    elif name == "find" and "-delete" in argv[1:]:
        for i, arg in enumerate(argv[1:], start=1):
            if arg.startswith(("-", "(", "!")):
                break
            targets.append(i)
        if not targets:
            return ("find -delete in the current directory", True)
    else:
        return None
    vital = {"/", home, *keep}
    for i in targets:
        if dynamic[i]:
            return (f"{name} would delete {argv[i]!r}, which is known only at run time", False)
        for base in bases:
            for path in _critical_forms(argv[i], base, home):
                for v in vital:
                    if is_within(v, path):
                        what = ("the root directory" if v == "/" else
                                "the home directory" if v == home else f"working directory {v}")
                        verb = "rm -r" if name == "rm" else "find -delete"
                        held = "is" if v == path else "holds"
                        return (f"{verb} of {argv[i]!r} would delete {path}, which {held} {what}",
                                True)
    return None


def _critical_forms(value: str, base: str, home: str) -> list[str]:
    forms = {lexical(value, base, home), resolve(value, base, home)}
    if _GLOB_CHARS.search(value):
        absolute = lexical(value, base, home)
        static = []
        for part in absolute.split("/"):
            if _GLOB_CHARS.search(part):
                break
            static.append(part)
        forms.add("/".join(static) or "/")
    return sorted(forms)
