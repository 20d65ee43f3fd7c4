"""Reading one ``SKILL.md``: its frontmatter as leniently as commands read theirs.

A skill without frontmatter still loads: its name is its folder's, its description the first
paragraph of the text. Frontmatter that strict YAML rejects but that reads as ``key: value``
lines loads with a warning at the line YAML stopped at; frontmatter that reads as neither is
an error, and only that skill is left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from corral.frontmatter import FrontmatterError, read
from corral.skills.model import Skill, SkillProblem

#: The keys corral acts on; any other key is kept in :attr:`Skill.extra`.
KNOWN = frozenset({"name", "description", "allowed-tools", "model", "disable-model-invocation",
                   "user-invocable", "license", "argument-hint"})
#: A name that can follow a ``/`` and be written in a ``Skill(name)`` rule.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
#: Descriptions longer than this are cut (the listing has its own, smaller budget).
MAX_DESCRIPTION = 1024


def parse_skill(file: Path, source: str, prefix: str = "") -> tuple[Skill | None, list[SkillProblem]]:
    """The skill in ``file`` (``<folder>/SKILL.md``) and what is wrong with it; the skill is
    ``None`` when it cannot load. ``prefix`` (``plugin:``) is put before its name."""
    problems: list[SkillProblem] = []

    def problem(line: int, message: str, severity: str = "error") -> None:
        problems.append(SkillProblem(file=str(file), line=line, message=message,
                                     severity=severity))  # type: ignore[arg-type]

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem(1, f"cannot read the file: {exc}")
        return None, problems
    try:
        meta, body, warning = read(text)
    except FrontmatterError as exc:
        problem(exc.line, f"{exc}; the skill is not loaded until it is fixed")
        return None, problems
    if warning is not None:
        problem(warning.line, str(warning), "warning")

    def line_of(key: str) -> int:
        match = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.M)
        return text.count("\n", 0, match.start()) + 1 if match else 1

    folder = file.parent
    name = folder.name
    given = meta.get("name")
    if given is not None:
        if isinstance(given, str) and _NAME.fullmatch(given.strip()):
            name = given.strip()
        else:
            problem(line_of("name"), f"name {given!r} is not a name (letters, digits, '-', "
                    f"'_', '.', ':'); the folder's name {folder.name!r} is used", "warning")
    if not _NAME.fullmatch(name):
        problem(1, f"the folder name {name!r} is not a skill name and the frontmatter gives "
                "none")
        return None, problems
    description = _text(meta.get("description")) or _first_paragraph(body)
    if not description:
        problem(line_of("description"), "no description (frontmatter 'description' or a first "
                "paragraph): the model cannot tell when to use it", "warning")
    allowed = _tools(meta.get("allowed-tools"))
    skill = Skill(
        name=prefix + name,
        description=description[:MAX_DESCRIPTION],
        file=str(file),
        folder=str(folder),
        source=source,
        body=body,
        allowed_tools=allowed,
        model=_text(meta.get("model")) or None,
        disable_model_invocation=_flag(meta, "disable-model-invocation", False, problem, line_of),
        user_invocable=_flag(meta, "user-invocable", True, problem, line_of),
        license=_text(meta.get("license")) or None,
        argument_hint=_text(meta.get("argument-hint")),
        extra={k: _plain(v) for k, v in meta.items() if k not in KNOWN},
    )
    return skill, problems


def _text(value: Any) -> str:
    """A frontmatter value as one line of text (multi-line YAML folded to spaces)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return " ".join(str(value).split())


def _first_paragraph(body: str) -> str:
    lines: list[str] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            if lines:
                break
            continue
        if line.startswith("#") and not lines:
            continue  # a heading is a title, not a description
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def _tools(value: Any) -> list[str]:
    from corral.permissions.rules import split_rules

    if isinstance(value, str):
        return split_rules([value.strip().strip("[]")])
    if isinstance(value, list):
        return [str(t).strip() for t in value if str(t).strip()]
    return []


def _flag(meta: dict[str, Any], key: str, default: bool, problem: Any, line_of: Any) -> bool:
    value = meta.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    problem(line_of(key), f"{key}: {value!r} is not true or false; {str(default).lower()} is "
            "used", "warning")
    return default


def _plain(value: Any) -> Any:
    """A value msgspec can encode (YAML dates and the like become text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
