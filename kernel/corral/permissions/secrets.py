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
    """The secret pattern a file-name glob (``.env*``, ``**/*.pem``) can match, or None.

    Every secret pattern is turned into sample names (``*`` and ``?`` filled in), and the
    glob's last part is tried on each sample that the list still calls a secret."""
    last = glob.rstrip("/").rsplit("/", 1)[-1].lower()
    if not last.strip("*?."):
        return None  # every file: the walk leaves secrets out, the call names none
    direct = secret_pattern(os.path.join(cwd, last), cwd, patterns)
    if direct is not None:
        return direct
    for pattern in patterns:
        if pattern.startswith("!") or "/" in pattern:
            continue
        for fill in ("x", "local", "x.x"):
            sample = pattern.lower().replace("*", fill).replace("?", "x")
            if fnmatch.fnmatchcase(sample, last) and secret_pattern(
                    os.path.join(cwd, sample), cwd, patterns) is not None:
                return pattern
    return None


def names_files(rule: CompiledRule) -> bool:
    """Whether an allow rule names particular files (and so may lift a secret-file ask)."""
    if rule.matcher != "path" or not rule.rule.specifier:
        return False
    last = rule.rule.specifier.rstrip("/").rsplit("/", 1)[-1]
    return last not in ("", "*", "**", ".")
