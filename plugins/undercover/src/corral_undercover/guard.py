"""Deciding on tool calls: what a call would publish, and the vote or rewrite for it.

Kept apart from the hook functions so it can be tested with plain values: a scanner, the
action, the working directory and the repository root.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec

from corral_undercover import _git
from corral_undercover._shell import publishing
from corral_undercover.errors import block_message
from corral_undercover.findings import Finding
from corral_undercover.matcher import Scanner
from corral_undercover.scan import scan_unpushed
from corral_undercover.settings import Action

#: Tools whose input writes a file, and the input keys holding the new text.
_WRITERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Write": ("file_path", ("content",)),
    "Edit": ("file_path", ("new_string",)),
    "MultiEdit": ("file_path", ()),
    "NotebookEdit": ("notebook_path", ("new_source",)),
}


class Place(msgspec.Struct, frozen=True, kw_only=True):
    """Where a guarded call runs."""

    cwd: Path
    root: Path | None
    action: Action = "block"


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    """A deny with its reason (the plugin turns it into a kernel ``Vote``)."""

    reason: str
    findings: tuple[Finding, ...]


def _target(place: Place, raw: object) -> Path | None:
    """The file a writer tool targets, if it lies in the repository (or the working directory
    outside one). ``~`` is expanded and relative paths start at the working directory, as the
    kernel's file tools do; symlinks are followed to where the write really lands."""
    if not isinstance(raw, str) or not raw:
        return None
    path = Path(os.path.expanduser(raw))
    path = (path if path.is_absolute() else place.cwd / path).resolve()
    base = place.root or place.cwd
    return path if path.is_relative_to(base) else None


def _ignored(place: Place, target: Path) -> bool:
    return place.root is not None and _git.is_ignored(place.root, target)


def inside(place: Place, path: str) -> bool:
    """Whether a write to ``path`` lands in the repository (in the working directory when
    there is none), ignored by git or not."""
    return _target(place, path) is not None


def leaves_alone(place: Place, path: str) -> bool:
    """Whether undercover lets anything be written to ``path``: the file lies outside the
    repository (outside the working directory when there is none), or git ignores it.

    The permission vote and the ``file`` outbound filter both decide by this rule. It runs
    ``git check-ignore`` for a file inside the repository, so call it only once a write has
    findings.
    """
    target = _target(place, path)
    return target is None or _ignored(place, target)


def _writer_texts(name: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """``(input key, text)`` pairs a writer tool would put into the file."""
    _, keys = _WRITERS[name]
    texts = [(k, data[k]) for k in keys if isinstance(data.get(k), str)]
    if name == "MultiEdit" and isinstance(data.get("edits"), list):
        for i, edit in enumerate(data["edits"]):
            if isinstance(edit, dict) and isinstance(edit.get("new_string"), str):
                texts.append((f"edits[{i}].new_string", edit["new_string"]))
    return texts


def _read(place: Place, name: str) -> str | None:
    path = Path(name)
    path = path if path.is_absolute() else place.cwd / path
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # maybe created earlier in the same command; its text is in the command


def publishes(place: Place, tool: str, data: dict[str, Any]) -> bool:
    """Whether the call writes into the repository or runs a publishing command."""
    if tool in _WRITERS:
        return _target(place, data.get(_WRITERS[tool][0])) is not None
    command = data.get("command")
    return tool == "Bash" and isinstance(command, str) and publishing(command) is not None


def _check_writer(
    scanner: Scanner, place: Place, tool: str, data: dict[str, Any]
) -> Verdict | None:
    target = _target(place, data.get(_WRITERS[tool][0]))
    if target is None:
        return None
    findings: list[Finding] = []
    for key, text in _writer_texts(tool, data):
        findings.extend(scanner.scan(text, path=key))
    findings.extend(scanner.scan(str(target.relative_to(place.root or place.cwd)), path="path"))
    if not findings or _ignored(place, target):
        return None
    reason = block_message(f"{tool} of {target.name}", findings)
    return Verdict(reason=reason, findings=tuple(findings))


def check(scanner: Scanner, place: Place, tool: str, data: dict[str, Any]) -> Verdict | None:
    """A deny verdict when the call would publish a finding, else ``None``."""
    if tool in _WRITERS:
        return _check_writer(scanner, place, tool, data)
    if tool == "Bash" and isinstance(data.get("command"), str):
        command: str = data["command"]
        pub = publishing(command)
        if pub is None:
            return None
        findings = scanner.scan(command, path="command")
        for name in pub.message_files:
            body = _read(place, name)
            if body is not None:
                findings.extend(scanner.scan(body, path=name))
        if pub.pushes and place.root is not None:
            root = place.root
            if pub.git_dir:
                root = _git.repo_root((place.cwd / pub.git_dir).resolve()) or root
            findings.extend(scan_unpushed(scanner, root))
        if not findings:
            return None
        what = f"`{', '.join(pub.tools)}` command"
        return Verdict(reason=block_message(what, findings), findings=tuple(findings))
    return None


def rewrite(
    scanner: Scanner, place: Place, tool: str, data: dict[str, Any]
) -> dict[str, Any] | None:
    """With ``action = "redact"``: the writer tool's input with findings replaced, or ``None``.

    Shell commands are never rewritten (a placeholder could change what the shell runs); in
    redact mode they are still refused by :func:`check`.
    """
    if place.action != "redact" or tool not in _WRITERS:
        return None
    target = _target(place, data.get(_WRITERS[tool][0]))
    if target is None:
        return None
    new = dict(data)
    changed = False
    for key in _WRITERS[tool][1]:
        if isinstance(new.get(key), str):
            text, found = scanner.redact(new[key])
            if found:
                new[key], changed = text, True
    if tool == "MultiEdit" and isinstance(new.get("edits"), list):
        edits = []
        for edit in new["edits"]:
            if isinstance(edit, dict) and isinstance(edit.get("new_string"), str):
                text, found = scanner.redact(edit["new_string"])
                if found:
                    edit, changed = {**edit, "new_string": text}, True
            edits.append(edit)
        new["edits"] = edits
    if not changed or _ignored(place, target):
        return None
    return new
