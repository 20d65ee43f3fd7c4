"""Files that look like secrets: reading one asks, even inside the working directories.

The list is ``[permissions] secret_files`` (gitignore-like name patterns; ``!`` excludes; the
last matching pattern wins). A pattern without ``/`` matches a file's name; one with ``/``
matches its path relative to the working directory. Matching ignores case.

An allow rule lifts the ask only when it names files rather than a whole tree: ``Read(.env)``
and ``Read(**/*.pem)`` do, ``Read(src/**)`` and ``Read`` do not.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from functools import lru_cache

from corral.permissions.rules import CompiledRule

DEFAULT_SECRET_FILES: tuple[str, ...] = (
    ".env", ".env.*", "!.env.example", "!.env.sample", "!.env.template", "!.env.*.example",
    "!.env.*.sample", "!.env.*.template", "*.pem", "*.key", "id_*", "!id_*.*", "id_*.key",
    "credentials*.json", ".npmrc", ".pypirc", ".netrc", "_netrc",
)


def secret_pattern(path: str, cwd: str, patterns: Sequence[str]) -> str | None:
    """The pattern that makes absolute ``path`` a secret file, or None."""
    if not patterns:
        return None
    return _match(path, cwd, tuple(patterns))


@lru_cache(maxsize=4096)
def _match(path: str, cwd: str, patterns: tuple[str, ...]) -> str | None:
    name = os.path.basename(path).lower()
    rel = (os.path.relpath(path, cwd) if path.startswith(cwd + "/") else path).lower()
    hit: str | None = None
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = (pattern[1:] if negated else pattern).lower()
        subject = rel if "/" in body else name
        if fnmatch.fnmatchcase(subject, body.lstrip("/")):
            hit = None if negated else pattern
    return hit


def glob_reaches_secret(glob: str, cwd: str, patterns: Sequence[str]) -> str | None:
    """The secret pattern a file-name glob (``.env*``, ``**/*.pem``) aims at, or None.

    The glob's last part, with its wildcards filled in a few plain ways, must itself be a
    secret name: ``*.pem`` and ``.env*`` are, ``*.json`` and ``*`` are not (a walk leaves
    secrets out of those anyway)."""
    last = glob.rstrip("/").rsplit("/", 1)[-1].lower()
    if not last.strip("*?."):
        return None
    for fill in ("", "x", ".x", "_x", ".local"):
        sample = re.sub(r"\[[^]]*\]", "x", last).replace("*", fill).replace("?", "x")
        found = secret_pattern(os.path.join(cwd, sample), cwd, patterns)
        if found is not None:
            return found
    return None


def names_files(rule: CompiledRule) -> bool:
    """Whether an allow rule names particular files (and so may lift a secret-file ask)."""
    if rule.matcher != "path" or not rule.rule.specifier:
        return False
    last = rule.rule.specifier.rstrip("/").rsplit("/", 1)[-1]
    return last not in ("", "*", "**", ".")


#: Directory walks stop after this many entries; a larger tree is not searched for secrets
#: here, and a recursive reader over it asks.
MAX_WALK = 20_000
#: Trees that hold installed packages, not the project's own secrets.
_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"})


def secret_under(directory: str, cwd: str, patterns: Sequence[str],
                 hidden: bool = True, only: Sequence[str] = ()) -> str | None:
    """A secret file inside ``directory`` (symlinks not followed), "" when the tree is too
    large to tell, or None. ``hidden=False`` skips dot-files and dot-directories, as
    readers that ignore hidden files do; ``only`` keeps just the names matching one of
    those globs (``grep --include``)."""
    if not patterns or not os.path.isdir(directory):
        return None
    seen = 0
    stack = [directory]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_WALK:
                return ""
            if not hidden and entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name not in _SKIP_DIRS:
                    stack.append(entry.path)
            elif secret_pattern(entry.path, cwd, patterns) is not None and (
                    not only or any(fnmatch.fnmatch(entry.name, g) for g in only)):
                return entry.path
    return None
