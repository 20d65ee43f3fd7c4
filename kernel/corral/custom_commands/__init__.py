"""Custom slash commands from Markdown files (``.claude/commands/*.md``, ``~/.claude/commands/``).

The file name is the command name; sub-folders give ``folder:name``. Plugins add folders
through ``corral_command_dirs`` (the kernel's bundle loader does): their commands are named
``namespace:name`` and also answer to ``name`` while no other command takes it. Frontmatter keys:
``description``, ``argument-hint``, ``allowed-tools``, ``model``, ``disable-model-invocation``
(the model may not run it through the SlashCommand tool). In the body, ``$ARGUMENTS`` is
the whole argument text, ``$1`` … ``$9`` single arguments, and ``@path`` includes a file.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from corral import paths
from corral.frontmatter import FrontmatterError, split
from corral.permissions.rules import split_rules

if TYPE_CHECKING:
    from corral.commands import CommandDir
    from corral.session import Session


class CustomCommand(msgspec.Struct, kw_only=True):
    name: str
    description: str
    body: str
    source: str
    argument_hint: str = ""
    allowed_tools: list[str] = msgspec.field(default_factory=list)
    model: str | None = None
    #: ``disable-model-invocation``: only the user may run it, not the SlashCommand tool.
    disable_model_invocation: bool = False


_INCLUDE = re.compile(r"(?<![\w`])@([\w./~-][\w./~-]*)")


def parse_command_file(path: Path, name: str) -> CustomCommand:
    """Read a command file; its frontmatter as leniently as Claude Code reads it."""
    try:
        meta, text = split(path.read_text(encoding="utf-8"))
    except FrontmatterError as exc:
        raise ValueError(f"{path}:{exc.line}: bad frontmatter: {exc}") from exc
    raw_tools = meta.get("allowed-tools") or []
    if isinstance(raw_tools, str):
        tools = split_rules([raw_tools.strip().strip("[]")])
    elif isinstance(raw_tools, list):
        tools = [str(t).strip() for t in raw_tools if str(t).strip()]
    else:
        tools = []
    first_line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return CustomCommand(
        name=name,
        description=str(meta.get("description") or first_line[:60]),
        body=text,
        source=str(path),
        argument_hint=str(meta.get("argument-hint") or ""),
        allowed_tools=tools,
        model=str(meta["model"]) if meta.get("model") else None,
        disable_model_invocation=_flag(meta.get("disable-model-invocation")),
    )


def _flag(value: object) -> bool:
    """A frontmatter boolean, as YAML or as text (``true``, ``yes``)."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "yes", "1", "on")


def _read_tree(root: Path, prefix: tuple[str, ...], into: dict[str, CustomCommand],
               problems: list[str]) -> None:
    """Every ``*.md`` under ``root`` (or ``root`` itself, a file) into ``into`` by name."""
    files = [root] if root.is_file() else sorted(root.rglob("*.md")) if root.is_dir() else []
    for path in files:
        rel = path.relative_to(root).with_suffix("") if root.is_dir() else Path(path.stem)
        name = ":".join((*prefix, *rel.parts))
        try:
            into[name] = parse_command_file(path, name)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(str(exc))


def load_custom_commands(
    cwd: Path, extra: Iterable[CommandDir] = ()
) -> tuple[dict[str, CustomCommand], list[str]]:
    """Project commands win over user commands of the same name, and both over plugins'
    (``extra``, named ``namespace:name``; each also under its short name when no other
    command has it). Returns commands and problems (a broken file is reported; the others
    still load)."""
    found: dict[str, CustomCommand] = {}
    problems: list[str] = []
    contributed: dict[str, CustomCommand] = {}
    for item in extra:
        _read_tree(Path(item.path), (item.namespace,), contributed, problems)
    roots = [paths.claude_user_dir() / "commands", paths.project_root(cwd) / ".claude" / "commands"]
    for root in roots:
        _read_tree(root, (), found, problems)
    shorts: dict[str, list[str]] = {}
    for name in contributed:
        shorts.setdefault(name.partition(":")[2], []).append(name)
    merged = {**contributed, **found}
    for short, names in shorts.items():
        if len(names) == 1 and short not in merged:
            merged[short] = contributed[names[0]]
    return merged, problems


def session_commands(session: Session) -> tuple[dict[str, CustomCommand], list[str]]:
    """:func:`load_custom_commands` for ``session``, with every plugin's command folders."""
    return load_custom_commands(session.cwd, session.hooks.command_dirs(session))


def expand(command: CustomCommand, arguments: str, cwd: Path) -> str:
    """The prompt a custom command sends, with its arguments and included files."""
    try:
        args = shlex.split(arguments)
    except ValueError:
        args = arguments.split()
    text = command.body.replace("$ARGUMENTS", arguments)
    for index in range(9, 0, -1):
        text = text.replace(f"${index}", args[index - 1] if index <= len(args) else "")

    def include(match: re.Match[str]) -> str:
        name = match.group(1)
        # "see @notes.md." ends a sentence: the period is not part of the name
        while True:
            target = Path(name).expanduser()
            path = target if target.is_absolute() else cwd / target
            if path.is_file() or not name.endswith((".", "~", "-")) or len(name) == 1:
                break
            name = name[:-1]
        rest = match.group(1)[len(name):]
        try:
            return f"@{name}\n```\n{path.read_text(encoding='utf-8')}\n```{rest}"
        except (OSError, UnicodeDecodeError):
            return match.group(0)

    return _INCLUDE.sub(include, text)
