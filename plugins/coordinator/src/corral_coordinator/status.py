"""The status-area view of coordinator mode: one row per worker (state, turns, cost)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from corral_coordinator.workers import WorkerPool

_STYLE = {"running": "cyan", "gating": "magenta", "merging": "magenta", "idle": "green",
          "failed": "red", "stopped": "yellow", "starting": "dim"}


def workers_table(pool: WorkerPool) -> Table | None:
    """A borderless table of the pool's workers, or ``None`` when there are none."""
    if not pool.workers:
        return None
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="dim")
    for column in ("worker", "agent", "state", "turns", "cost", "task"):
        table.add_column(column, no_wrap=column != "task", overflow="ellipsis")
    for worker in pool.workers.values():
        child = worker.session
        cost = "?" if not child.cost_known else f"${child.cost_usd or 0:.3f}"
        style = _STYLE.get(worker.state, "")
        state = f"[{style}]{worker.state}[/]" if style else worker.state
        if worker.inbox:
            state += f" (+{len(worker.inbox)} msg)"
        held = pool.leases.held_by(worker.id)
        task = worker.description + (f" [dim]holds {len(held)} file(s)[/]" if held else "")
        table.add_row(worker.id, worker.definition.name, state, str(child.num_turns), cost,
                      task)
    if pool.leases.conflicts:
        table.caption = f"[red]{len(pool.leases.conflicts)} file conflict(s)[/]"
    return table
