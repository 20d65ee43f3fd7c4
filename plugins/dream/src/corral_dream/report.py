"""What a dream did: shown in the UI, printed as JSON, appended to ``dream-log.md``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from corral_dream.plan import PHASES, Change


class Report(msgspec.Struct, kw_only=True):
    root: str
    #: Which store: ``project`` or ``user``.
    scope: str = "project"
    started: float
    finished: float = 0.0
    dry_run: bool = False
    trigger: str = "manual"
    entries_before: int = 0
    entries_after: int = 0
    changes: list[Change] = msgspec.field(default_factory=list)
    #: Judgment left for a later dream (over the token budget, or no model available).
    deferred: int = 0
    model: str | None = None
    model_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    claude_md: str = "unchanged"
    notes: list[str] = msgspec.field(default_factory=list)
    #: Tool calls of the code re-check that were refused (denied or not offered).
    refused: list[str] = msgspec.field(default_factory=list)
    committed: bool = False
    #: The user store's own dream, when ``[plugins.dream] user_store`` is on.
    user: Report | None = None

    def counts(self) -> dict[str, int]:
        return {p: sum(1 for c in self.changes if c.phase == p) for p in PHASES}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = msgspec.to_builtins(self)
        data["counts"] = self.counts()
        if self.user is not None:
            data["user"] = self.user.to_json()
        return data

    def summary(self) -> str:
        counts = self.counts()
        verb = "would change" if self.dry_run else "changed"
        parts = ", ".join(f"{p} {n}" for p, n in counts.items())
        tokens = (f"; {self.model_calls} model calls, {self.input_tokens} in / "
                  f"{self.output_tokens} out tokens" if self.model_calls else "")
        cost = f", ${self.cost_usd:.4f}" if self.cost_usd else ""
        where = "dream of the user store" if self.scope == "user" else "dream"
        return (f"{where} {verb} {len(self.changes)} entries ({parts}); "
                f"{self.entries_before} -> {self.entries_after} entries{tokens}{cost}")

    def claude_md_line(self) -> str:
        """What happened to the CLAUDE.md section, or would have in a dry run."""
        if self.dry_run:
            return f"CLAUDE.md section would be {self.claude_md}"
        return f"CLAUDE.md section: {self.claude_md}"

    def markdown(self) -> str:
        """The ``dream-log.md`` section of this dream."""
        stamp = datetime.fromtimestamp(self.started, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        lines = [f"## {stamp} ({self.trigger}{', dry run' if self.dry_run else ''})", "",
                 self.summary(), ""]
        for phase in PHASES:
            for change in (c for c in self.changes if c.phase == phase):
                lines.append(f"- {phase} {change.action} `{change.id}`: {change.reason}"
                             + (f" — {_short(change.after)}" if change.after else
                                f" — was: {_short(change.before)}" if change.before else ""))
        if self.claude_md != "unchanged":
            lines.append(f"- {self.claude_md_line()}")
        if self.deferred:
            lines.append(f"- deferred to a later dream: {self.deferred} judgments")
        lines.extend(f"- note: {n}" for n in self.notes)
        lines.extend(f"- refused: {r}" for r in self.refused)
        if self.user is not None:
            lines.append(f"- user store ({self.user.root}): {self.user.summary()}")
        return "\n".join(lines) + "\n"

    def __rich__(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("phase")
        table.add_column("action")
        table.add_column("entry")
        table.add_column("why")
        for change in self.changes:
            table.add_row(change.phase, change.action, change.id, change.reason)
        parts: list[Any] = [Text(self.summary(), style="bold")]
        if self.changes:
            parts.append(table)
        if self.claude_md != "unchanged":
            parts.append(Text(self.claude_md_line()))
        if self.deferred:
            parts.append(Text(f"{self.deferred} judgments deferred to a later dream"))
        parts.extend(Text(f"note: {n}", style="yellow") for n in self.notes)
        parts.extend(Text(f"refused: {r}", style="red") for r in self.refused)
        if self.user is not None:
            parts.append(self.user.__rich__())
        return Group(*parts)


def _short(text: str | None, limit: int = 100) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
