"""``corral undercover install-hooks``: git hooks that run the scanner on manual commits too.

Each hook gets one marked block. An existing hook keeps its content: the block goes right after
its shebang line, and running the installer again replaces the block instead of adding another.
"""

from __future__ import annotations

import os
import shlex
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from corral.api import CorralError

from corral_undercover import _git

BEGIN = "# >>> corral-undercover >>>"
END = "# <<< corral-undercover <<<"
_SHELLS = ("sh", "bash", "dash", "zsh", "ksh", "ash")

#: What each hook runs, after the scanner command prefix. Findings go to stderr, where git
#: shows them.
_BODIES: dict[str, str] = {
    "commit-msg": '{cmd} scan --if-active --message-file "$1" >&2 || exit 1\n',
    "pre-commit": "{cmd} scan --if-active --staged >&2 || exit 1\n",
    # pre-push reads the refs on stdin; keep a copy so the rest of the hook can read it too.
    "pre-push": (
        '_corral_in=$(mktemp) || exit 1\ncat > "$_corral_in"\n'
        '{cmd} scan --if-active --pushed "$1" < "$_corral_in" >&2\n_corral_rc=$?\n'
        'exec < "$_corral_in"\nrm -f "$_corral_in"\n[ "$_corral_rc" -eq 0 ] || exit 1\n'
    ),
}
HOOK_NAMES = tuple(_BODIES)


class HookInstallError(CorralError):
    """An existing hook cannot take our block (it is not a shell script)."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {problem}")


def block(hook: str, command: Sequence[str]) -> str:
    """The marked block for ``hook``; ``command`` is the argv that reaches ``undercover``."""
    body = _BODIES[hook].format(cmd=shlex.join(command))
    return (
        f"{BEGIN}\n# Added by `corral undercover install-hooks`: re-run it to update this "
        f"block, delete the block to remove it.\n{body}{END}\n"
    )


def _merge(existing: str, new_block: str, path: Path) -> str:
    if BEGIN in existing and END in existing:
        head, rest = existing.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + new_block.rstrip("\n") + tail
    if not existing.strip():
        return "#!/bin/sh\n" + new_block
    first, _, rest = existing.partition("\n")
    if not first.startswith("#!"):
        return "#!/bin/sh\n" + new_block + existing
    interpreter = first[2:].split()
    names = [os.path.basename(w) for w in interpreter]
    if not any(n in _SHELLS for n in names[:2]):
        raise HookInstallError(
            path,
            f"is not a shell script ({first!r}); add a call to `corral undercover scan` to it "
            "yourself, or move it aside and run install-hooks again",
        )
    return f"{first}\n{new_block}{rest}"


def _write(path: Path, text: str) -> None:
    mode = path.stat().st_mode if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(mode) | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def install_hooks(root: Path, command: Sequence[str]) -> list[tuple[str, str]]:
    """Install or update every hook; returns ``(hook path, created|updated|unchanged)``."""
    hooks = _git.hooks_dir(root)
    hooks.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, str]] = []
    for name in HOOK_NAMES:
        path = hooks / name
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        text = _merge(existing, block(name, command), path)
        if text == existing:
            results.append((str(path), "unchanged"))
            continue
        _write(path, text)
        results.append((str(path), "updated" if existing else "created"))
    return results
