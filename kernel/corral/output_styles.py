"""Output styles: how the assistant talks, chosen with ``outputStyle`` or ``/output-style``.

A style is Markdown with optional frontmatter (``name``, ``description``,
``keep-coding-instructions``); the body is added to the system prompt. Unless the style keeps
the coding instructions, it replaces corral's coding guidance with a neutral base. Styles
come from the built-ins below, the user's ``<claude dir>/output-styles/*.md`` and the
project's ``.claude/output-styles/*.md`` (a project style wins over a user style of the same
name). Names are matched without regard to case.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from corral import frontmatter, paths
from corral.errors import CorralError
from corral.stash import StashKey

if TYPE_CHECKING:
    from corral.session import Session

DEFAULT = "default"


class OutputStyle(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    description: str
    #: Added to the system prompt (empty for the default style).
    prompt: str
    #: Keep corral's coding guidance beside this style's text.
    keep_coding_instructions: bool = False
    #: ``built-in`` or the file it came from.
    source: str = "built-in"


BUILTIN: tuple[OutputStyle, ...] = (
    OutputStyle(name="default", description="corral's usual concise coding assistant",
                prompt="", keep_coding_instructions=True),
    OutputStyle(
        name="Explanatory",
        description="does the work and explains the choices behind it as it goes",
        keep_coding_instructions=True,
        prompt=(
            "Output style: explanatory. While you work, teach. Before or after a notable "
            "step, add a short note marked `Insight:` that says why this approach fits this "
            "codebase: the pattern it follows, the trade-off it makes, what would break "
            "otherwise. Keep each note to two or three sentences and tie it to the code at "
            "hand rather than to general advice. Do the task fully; the notes come on top."),
    ),
    OutputStyle(
        name="Learning",
        description="works with the user: leaves small, meaningful pieces for them to write",
        keep_coding_instructions=True,
        prompt=(
            "Output style: learning. Work alongside the user so that they learn by doing. "
            "Do the setup and the routine parts yourself, but when a piece of the work "
            "carries a real decision (a small function, a condition, an error case, five to "
            "ten lines), leave it for the user: put a `TODO(human)` marker where it goes, "
            "explain what it must do and what to weigh, and stop to let them write it. Ask "
            "for one such piece at a time. Add short `Insight:` notes on why the code is "
            "shaped as it is."),
    ),
)
#: The style chosen in this session with ``/output-style`` (above the configuration).
CHOSEN: StashKey[str] = StashKey("output_style")


class OutputStyleError(CorralError):
    exit_code = 2


def style_dirs(cwd: Path) -> list[Path]:
    """Where style files are read from, lowest first: the user's, then the project's."""
    return [paths.claude_user_dir() / "output-styles",
            paths.project_root(cwd) / ".claude" / "output-styles"]


def read_style(path: Path) -> OutputStyle:
    """A style file; a file that cannot be read raises :class:`OutputStyleError`."""
    try:
        data, body = frontmatter.split(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputStyleError(f"{path}: cannot read the output style: {exc}") from exc
    except frontmatter.FrontmatterError as exc:
        raise OutputStyleError(f"{path}:{exc.line}: {exc}") from exc
    name = data.get("name")
    keep = data.get("keep-coding-instructions", False)
    return OutputStyle(
        name=str(name).strip() if isinstance(name, str) and name.strip() else path.stem,
        description=str(data.get("description") or ""),
        prompt=body.strip(),
        keep_coding_instructions=keep is True or str(keep).lower() == "true",
        source=str(path),
    )


def available(cwd: Path) -> tuple[dict[str, OutputStyle], list[str]]:
    """Every style by lower-case name, and the problems of files that could not be read."""
    styles = {s.name.lower(): s for s in BUILTIN}
    problems: list[str] = []
    for folder in style_dirs(cwd):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.md")):
            try:
                style = read_style(path)
            except OutputStyleError as exc:
                problems.append(str(exc))
                continue
            styles[style.name.lower()] = style
    return styles, problems


def find(cwd: Path, name: str) -> OutputStyle | None:
    return available(cwd)[0].get(name.strip().lower())


def active_name(session: Session) -> str:
    """The style in force: chosen in the session, else ``outputStyle``, else default."""
    return session.stash.get(CHOSEN) or session.config.output_style or DEFAULT


def active(session: Session) -> OutputStyle:
    """The style in force; an unknown name falls back to the default style (``corral
    doctor`` and ``/output-style`` say so)."""
    name = active_name(session)
    if name.lower() == DEFAULT:
        return BUILTIN[0]
    return find(session.cwd, name) or BUILTIN[0]


def save_choice(cwd: Path, name: str) -> Path:
    """Write ``outputStyle`` into the project's ``.claude/settings.local.json``, keeping
    everything else in it; a file that is not a JSON object is left alone (an error)."""
    import json

    from corral.atomic import write_atomic

    path = paths.project_root(cwd) / ".claude" / "settings.local.json"
    doc: dict[str, object] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputStyleError(f"{path}: not valid JSON ({exc}); outputStyle not saved") \
                from exc
        if not isinstance(loaded, dict):
            raise OutputStyleError(f"{path}: not a JSON object; outputStyle not saved")
        doc = loaded
    doc["outputStyle"] = name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(doc, indent=2) + "\n")
    return path
