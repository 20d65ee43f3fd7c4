"""Settings of the ``[plugins.dream]`` table."""

from __future__ import annotations

import msgspec


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.dream]`` in any corral config layer."""

    auto: bool = True
    """Dream automatically at session end when the gates pass."""
    min_hours: float = 24.0
    """Hours since the last dream before an automatic one."""
    min_sessions: int = 5
    """Sessions since the last dream before an automatic one."""
    check_interval_minutes: float = 10.0
    """Minutes between two gate checks that got past the first two gates."""

    model: str | None = None
    """Model (or alias) for the judgment calls; default: the configured model."""
    token_budget: int = 60_000
    """Input tokens (estimated) one dream may send to the model in all; the rest waits."""
    batch_tokens: int = 8_000
    """Input tokens (estimated) of one request; items are packed into batches up to this."""
    max_output_tokens: int = 4_000

    duplicate_threshold: float = 0.8
    """Token similarity (Jaccard, 0..1) at or above which two entries are near duplicates."""
    merge_threshold: float = 0.4
    """Similarity at or above which two entries go to the model as a merge/contradiction pair."""
    stale_days: int = 60
    """An entry not updated or used for this many days loses a point of importance."""
    used_boost: int = 3
    """Uses (in transcripts since the last dream) that earn an entry a point of importance."""
    max_transcripts: int = 20
    """Most recent session transcripts read by the synthesize phase."""

    recheck_entries: int = 12
    """Stale entries one dream re-checks against the code (a read-only sub-session); 0: none."""
    recheck_days: int = 30
    """An entry (project or reference, or one naming files) is stale for the re-check when it
    was neither updated nor re-checked for this many days, or a file it names changed since."""
    recheck_max_turns: int = 12
    """Model requests the re-check sub-session may make before it must answer."""

    user_store: bool = False
    """Also consolidate the user-level store (shared by every project): duplicates, expired
    entries, merges and dates only; off by default, see the README."""

    claude_md: bool = True
    """Keep a dream-managed section in the project's existing CLAUDE.md."""
    claude_md_entries: int = 12
    """Most important entries (importance 4 and 5) listed in that section."""
