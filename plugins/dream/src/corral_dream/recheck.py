"""Phase 3, refresh (the model's part): stale entries re-checked against the code.

The model looks at the project through a child :class:`corral.session.Session` in plan mode
with only Read, Glob, Grep and Bash, marked with a :class:`~corral_dream.guard.Guard` so the
dream's permission vote applies to it (see :mod:`corral_dream.guard`). It answers one JSON
verdict per entry (keep / update with new text / drop), which the dream applies to its plan
like any other judgment: nothing is written before every phase is planned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from corral.api import MemoryEntry

from corral_dream import _prompts
from corral_dream.errors import DreamModelError
from corral_dream.guard import Guard, Refusal
from corral_dream.keys import GUARD
from corral_dream.plan import Workset
from corral_dream.prune import _inside
from corral_dream.settings import Settings

if TYPE_CHECKING:
    from corral.api import App, Event, Session

#: The tools the re-check sub-session is given.
TOOLS = ("Read", "Glob", "Grep", "Bash")
_CHECKED_TYPES = ("project", "reference")


class RecheckVerdict(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    verdict: Literal["keep", "update", "drop"]
    text: str | None = None
    why: str = ""


class RecheckReply(msgspec.Struct, frozen=True, kw_only=True):
    entries: list[RecheckVerdict]


class RecheckRun(msgspec.Struct, kw_only=True):
    """What one re-check sub-session did."""

    verdicts: list[RecheckVerdict] = msgspec.field(default_factory=list)
    refused: list[Refusal] = msgspec.field(default_factory=list)
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    #: Why the re-check did not give verdicts (it is then deferred), or ``None``.
    skipped: str | None = None


def _changed_since(root: Path, refs: Sequence[str], since: float) -> bool:
    for ref in refs:
        path = _inside(root, ref.partition("#")[0]) if ref.partition("#")[0] else None
        try:
            if path is not None and path.stat().st_mtime > since:
                return True
        except OSError:
            continue
    return False


def stale_entries(work: Workset, root: Path, checked: dict[str, float], at: datetime,
                  settings: Settings) -> list[MemoryEntry]:
    """Entries worth re-checking, most urgent first: those naming a file changed since they
    were last updated or checked, then those not updated or checked for ``recheck_days``.
    Entries this dream already changed, and ones that say nothing about the project's code
    (user and feedback entries without files), are left out."""
    if settings.recheck_entries <= 0:
        return []
    horizon = at.timestamp() - settings.recheck_days * 86400
    found: list[tuple[int, float, str, MemoryEntry]] = []
    for entry in work.entries.values():
        if work.base.get(entry.id) != entry:
            continue
        if not entry.files and entry.type not in _CHECKED_TYPES:
            continue
        seen = max(entry.updated.timestamp(), checked.get(entry.id, 0.0))
        changed = _changed_since(root, entry.files, seen)
        if changed or seen < horizon:
            found.append((0 if changed else 1, seen, entry.id, entry))
    found.sort(key=lambda f: f[:3])
    return [f[3] for f in found[: settings.recheck_entries]]


def render_entries(entries: Sequence[MemoryEntry]) -> str:
    lines = []
    for e in entries:
        files = f' files="{", ".join(e.files)}"' if e.files else ""
        lines.append(f'<entry id="{e.id}" type="{e.type}" '
                     f'updated="{e.updated.date().isoformat()}"{files}>{e.text}</entry>')
    return "\n".join(lines)


def child_session(app: App, cwd: Path, root: Path, memory_root: Path, model: str,
                  settings: Settings) -> Session:
    """The re-check sub-session: headless, plan mode, four tools, the dream's guard on."""
    from corral.api import Session

    # parent "dream": no SessionStart/End command hooks; calls count as a sub-agent's
    child = Session(app, cwd=cwd, headless=True, permission_mode="plan", model=model,
                    max_turns=settings.recheck_max_turns,
                    append_system_prompt=_prompts.RECHECK_SYSTEM, parent_id="dream",
                    agent="dream")
    child.stash[GUARD] = Guard(root, memory_root, cwd)
    child.set_tools({n: t for n, t in child.tools.items() if n in TOOLS})
    return child


def vote_is_active(app: App) -> bool:
    """Whether the dream's permission vote is registered in ``app`` (the plugin is enabled
    and was not taken out after a failure): without it the re-check does not start."""
    manager = app.host.pm
    plugin = manager.get_plugin("dream")
    callers = manager.get_hookcallers(plugin) if plugin is not None else None
    return any(c.name == "corral_check_permission" for c in callers or [])


async def run_recheck(app: App, root: Path, memory_root: Path,
                      entries: Sequence[MemoryEntry], client: Any, model: str,
                      settings: Settings, say: Callable[[str], None]) -> RecheckRun:
    """Ask the model, through the guarded sub-session, about ``entries``."""
    from corral.api import SUBAGENT_ORIGIN, Engine

    run = RecheckRun()
    if not vote_is_active(app):
        run.skipped = ("the dream plugin's permission vote is not active in this run, so the "
                       "code re-check did not start")
        return run
    child = child_session(app, root, root, memory_root, model, settings)  # the whole project
    events: list[Event] = []
    child.listeners.append(events.append)
    engine = Engine(child, client=client, owns_client=False)
    say(f"refresh: re-checking {len(entries)} stale entries against the code (read-only)")
    prompt = _prompts.RECHECK_USER.format(root=root, entries=render_entries(entries))
    try:
        await child.start()
        outcome = await engine.run_turn(prompt, origin=SUBAGENT_ORIGIN)
    finally:
        await child.end()
    run.refused = refusals(events)
    run.calls = child.num_turns
    run.input_tokens = child.usage.input_tokens + child.usage.cache_read_input_tokens \
        + child.usage.cache_creation_input_tokens
    run.output_tokens = child.usage.output_tokens
    run.cost_usd = child.cost_usd
    if outcome.subtype == "error_max_turns":
        run.skipped = (f"the code re-check gave no answer within {settings.recheck_max_turns} "
                       "model requests ([plugins.dream] recheck_max_turns)")
        return run
    if outcome.is_error:
        raise DreamModelError(f"dream: the code re-check failed ({outcome.result}); memory is "
                              "unchanged; run `corral dream` again later")
    run.verdicts = check_reply(outcome.result, {e.id for e in entries})
    return run


def check_reply(text: str, asked: set[str]) -> list[RecheckVerdict]:
    from corral_dream.judge import _decode

    reply = _decode(text, RecheckReply, "the code re-check")
    out: list[RecheckVerdict] = []
    for verdict in reply.entries:
        if verdict.id not in asked:
            raise DreamModelError(f"dream: the code re-check answered about {verdict.id!r}, "
                                  "which it was not asked about; memory is unchanged")
        if verdict.verdict == "update" and not (verdict.text or "").strip():
            raise DreamModelError(f"dream: the code re-check updated {verdict.id} without "
                                  "giving the new text; memory is unchanged")
        out.append(verdict)
    return out


def refusals(events: Sequence[Event]) -> list[Refusal]:
    """Tool calls of the sub-session that did not run: denied by the chain, or asking for a
    tool the dream does not offer."""
    from corral.api import PermissionDecided, ToolFinished, ToolRequested

    asked: dict[str, tuple[str, dict[str, Any]]] = {}
    out: list[Refusal] = []
    for event in events:
        if isinstance(event, ToolRequested):
            asked[event.tool_use_id] = (event.name, event.input)
        elif isinstance(event, PermissionDecided) and event.decision != "allow":
            name, given = asked.get(event.tool_use_id, (event.name, {}))
            who = f"{event.tier}" + (f", {event.source}" if event.source else "")
            out.append(Refusal(tool=name, input=_show(given),
                               reason=f"denied ({who}): {event.reason}"))
        elif isinstance(event, ToolFinished) and event.is_error \
                and event.summary.startswith("Unknown tool"):
            name, given = asked.get(event.tool_use_id, (event.name, {}))
            out.append(Refusal(tool=name, input=_show(given),
                               reason="not offered to the dream (Read, Glob, Grep, Bash only)"))
    return out


def _show(given: dict[str, Any]) -> str:
    for key in ("command", "file_path", "notebook_path", "path", "pattern"):
        if isinstance(given.get(key), str):
            value = " ".join(str(given[key]).split())
            return value if len(value) <= 120 else value[:119] + "…"
    return json.dumps(given)[:120]


def apply_rechecks(work: Workset, verdicts: Sequence[RecheckVerdict]) -> set[str]:
    """Apply the verdicts to the plan; returns the ids found still true (kept or updated)."""
    checked: set[str] = set()
    for verdict in verdicts:
        entry = work.entries.get(verdict.id)
        if entry is None:
            continue
        why = verdict.why.strip() or "no reason given"
        if verdict.verdict == "drop":
            work.remove(entry.id, "refresh", f"re-checked against the code, dropped: {why}")
            continue
        checked.add(entry.id)
        if verdict.verdict == "update" and verdict.text:
            work.replace(msgspec.structs.replace(entry, text=verdict.text.strip()), "refresh",
                         f"re-checked against the code, updated: {why}")
    return checked

