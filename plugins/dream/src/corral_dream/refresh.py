"""Phase 3, refresh: relative dates made absolute, importance re-weighed by use and age.

(Entries whose files or symbols vanished are pruned in phase 1; both read the project only.)
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import msgspec

from corral_dream._dates import absolutize
from corral_dream.plan import Workset


def refresh_dates(work: Workset) -> None:
    for entry in list(work.entries.values()):
        text = absolutize(entry.text, entry.updated.date())
        if text != entry.text:
            work.replace(msgspec.structs.replace(entry, text=text), "refresh",
                         f"relative dates made absolute (written {entry.updated.date()})")


def reweigh(work: Workset, uses: Counter[str], at: datetime, *, stale_days: int,
            used_boost: int) -> None:
    """+1 importance for an entry used ``used_boost`` times since the last dream; -1 for one
    neither updated nor used for ``stale_days`` (importance 5 never decays, 1 is the floor)."""
    stale_before = at - timedelta(days=stale_days)
    for entry in list(work.entries.values()):
        used = uses.get(entry.id, 0)
        if used_boost > 0 and used >= used_boost and entry.importance < 5:
            new, why = entry.importance + 1, f"used {used} times since the last dream"
        elif (stale_days > 0 and not used and entry.updated < stale_before
              and 1 < entry.importance < 5):
            new, why = entry.importance - 1, f"not updated or used for {stale_days}+ days"
        else:
            continue
        work.replace(msgspec.structs.replace(entry, importance=new), "refresh",
                     f"importance {entry.importance} -> {new}: {why}")
