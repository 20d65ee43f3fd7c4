"""Scanning the things that leave the machine: files, staged changes, commit messages, pushes.

Every function takes a :class:`Scanner` or the :class:`Settings` to build one from, and returns
findings whose ``path``/``line``/``column`` point at the source (a file, a commit, a message).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from corral_undercover import _git
from corral_undercover.findings import Finding
from corral_undercover.matcher import Scanner
from corral_undercover.rules import build_scanner
from corral_undercover.settings import Settings

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_SCISSORS = re.compile(r"^# -+ >8 -+$")
_SKIP_DIRS = frozenset({".git", ".hg", ".svn"})


def _scanner(source: Settings | Scanner, root: Path | None = None) -> Scanner:
    return source if isinstance(source, Scanner) else build_scanner(source, root)


def _shift(findings: Iterable[Finding], path: str, first_line: int) -> list[Finding]:
    return [msgspec.structs.replace(f, path=path, line=f.line + first_line - 1) for f in findings]


def scan_text(source: Settings | Scanner, text: str, *, path: str | None = None) -> list[Finding]:
    """Findings in ``text``."""
    return _scanner(source).scan(text, path=path)


def _read_text(path: Path) -> str | None:
    """A file's text, or ``None`` for a binary file."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def _walk(path: Path) -> Iterable[Path]:
    if path.is_dir():
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in sorted(filenames):
                yield Path(dirpath) / name
    else:
        yield path


def scan_paths(source: Settings | Scanner, paths: Sequence[str | Path]) -> list[Finding]:
    """Findings in files (directories are walked, binary files skipped) and in their names
    (below the given path). A finding in a file name is reported on line 0.
    """
    scanner = _scanner(source)
    findings: list[Finding] = []
    for given in paths:
        base = Path(given)
        for file in _walk(base):
            shown = str(file)
            # Names are checked below the given path: a user's own directories are not news.
            name = str(file.relative_to(base)) if file != base else file.name
            findings.extend(_shift(scanner.scan(name), shown, 0))
            text = _read_text(file)
            if text is not None:
                findings.extend(scanner.scan(text, path=shown))
    return findings


def scan_diff(scanner: Scanner, diff: str, *, label: str = "") -> list[Finding]:
    """Findings in the added lines of a unified diff made with ``-U0``.

    Consecutive added lines are scanned together, so a term split across lines is caught.
    """
    findings: list[Finding] = []
    path: str | None = None
    run: list[str] = []
    first = 0

    def flush() -> None:
        if run and path is not None:
            shown = f"{label}{path}"
            findings.extend(_shift(scanner.scan("\n".join(run)), shown, first))
        run.clear()

    for line in diff.splitlines():
        if line.startswith("+++ "):
            flush()
            target = line[4:]
            path = None if target == "/dev/null" else target.removeprefix("b/")
        elif line.startswith("@@"):
            flush()
            m = _HUNK.match(line)
            first = int(m.group(1)) if m else 0
        elif line.startswith("+") and path is not None:
            # With -U0 the added lines of a hunk are contiguous in the new file.
            run.append(line[1:])
        elif line.startswith("diff "):
            flush()
            path = None
    flush()
    return findings


def scan_staged(source: Settings | Scanner, root: Path) -> list[Finding]:
    """Findings in what ``git commit`` would record: added lines and new file names."""
    scanner = _scanner(source, root)
    findings: list[Finding] = []
    for name in _git.staged_new_paths(root):
        findings.extend(_shift(scanner.scan(name), name, 0))
    findings.extend(scan_diff(scanner, _git.staged_diff(root)))
    return findings


def message_text(raw: str) -> str:
    """A commit message file as git will keep it: comment lines blanked (line numbers stay),
    everything below the scissors line of ``commit -v`` dropped."""
    out: list[str] = []
    for line in raw.splitlines():
        if _SCISSORS.match(line):
            break
        out.append("" if line.startswith("#") else line)
    return "\n".join(out)


def scan_message_file(source: Settings | Scanner, path: Path) -> list[Finding]:
    """Findings in a commit message file (the ``commit-msg`` hook's argument)."""
    text = message_text(path.read_text(encoding="utf-8", errors="replace"))
    return _scanner(source).scan(text, path=str(path))


def scan_commits(scanner: Scanner, root: Path, rev_args: list[str]) -> list[Finding]:
    """Findings in the messages and added lines of the commits ``rev_args`` selects."""
    findings: list[Finding] = []
    for oid in _git.commits(root, rev_args):
        short = oid[:12]
        findings.extend(
            scanner.scan(_git.commit_message(root, oid), path=f"commit {short} message")
        )
        findings.extend(scan_diff(scanner, _git.commit_diff(root, oid), label=f"{short}:"))
    return findings


def scan_push(
    source: Settings | Scanner, root: Path, remote: str, ref_lines: Iterable[str]
) -> list[Finding]:
    """Findings in what a push sends; ``ref_lines`` is the ``pre-push`` hook's input
    (``<local ref> <local oid> <remote ref> <remote oid>`` per line)."""
    scanner = _scanner(source, root)
    findings: list[Finding] = []
    for line in ref_lines:
        parts = line.split()
        if len(parts) != 4 or _git.is_zero(parts[1]):
            continue
        local_ref, local, _remote_ref, remote_oid = parts
        if _git.object_type(root, local) == "tag":
            text = _git.object_text(root, local)
            findings.extend(scanner.scan(text, path=f"tag {local_ref}"))
        known = not _git.is_zero(remote_oid) and _git.object_type(root, remote_oid) != ""
        rev_args = [f"{remote_oid}..{local}"] if known else [local, "--not", f"--remotes={remote}"]
        findings.extend(scan_commits(scanner, root, rev_args))
    return findings


def scan_unpushed(source: Settings | Scanner, root: Path) -> list[Finding]:
    """Findings in the commits on ``HEAD`` that no remote-tracking branch has yet."""
    return scan_commits(_scanner(source, root), root, ["HEAD", "--not", "--remotes"])
