"""Settings of the ``[plugins.kairos]`` table."""

from __future__ import annotations

from typing import Literal

import msgspec

PermissionMode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]


class ScheduleEntry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One scheduled prompt: ``{every = "30m", prompt = "..."}`` or ``{cron = "0 9 * * 1-5"}``."""

    prompt: str
    every: str | None = None
    cron: str | None = None


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[plugins.kairos]`` in any corral config layer."""

    interval_s: float = 60.0
    """Seconds of idleness before a tick wakes the model."""
    permission_mode: str = "plan"
    """Permission mode for work a tick (or a schedule, or the bridge) starts."""
    max_interval_s: float = 900.0
    """The adaptive interval grows after quiet ticks, up to this many seconds."""
    backoff: float = 2.0
    """Factor the interval grows by after a skipped tick or a tick where nothing was done."""
    change_delay_s: float = 1.0
    """After a watched file changes, tick this soon (instead of waiting the interval)."""
    heartbeat_s: float = 0.0
    """Tick at least this often even when nothing changed; 0 turns the heartbeat off."""
    watch: bool = True
    """Watch the project's files (honouring .gitignore) and report changes in ticks."""
    quiet_hours: list[str] = msgspec.field(default_factory=list)
    """Local time windows without ticks, such as ``"22:00-07:00"``."""
    max_calls_per_hour: int = 60
    """Model requests that kairos-started turns may make per rolling hour; 0 is no limit."""
    max_tokens_per_day: int = 0
    """Input plus output tokens per local day for kairos-started turns; 0 is no limit."""
    max_cost_per_day_usd: float = 5.0
    """Dollars per local day for kairos-started turns; 0 is no limit."""
    schedule: list[ScheduleEntry] = msgspec.field(default_factory=list)
    """Scheduled prompts; each runs as a turn of its own (origin ``schedule``) when due."""
    poll_s: float = 1.0
    """How often the daemon checks whether a tick is due."""
    background_after_s: float = 15.0
    """A shell command running longer than this moves to the background (its completion
    comes in a tick); 0 keeps commands in the foreground."""
    bridge: bool = True
    """Run the bridge (a WebSocket server) in the daemon."""
    bridge_host: str = "127.0.0.1"
    """Address the bridge binds; anything but loopback needs ``bridge_tls_cert`` and
    ``bridge_tls_key`` (the daemon refuses to start without them)."""
    bridge_port: int = 0
    """Port of the bridge; 0 picks a free one (written to the state directory)."""
    bridge_origins: list[str] = msgspec.field(default_factory=list)
    """Browser ``Origin`` values allowed to connect; clients without an Origin always may."""
    bridge_max_message_bytes: int = 65536
    bridge_rate_per_s: float = 5.0
    """Messages per second one bridge connection may send (bursts up to 4x)."""
    bridge_tls_cert: str = ""
    """PEM certificate (chain) for TLS on the bridge and the page; with ``bridge_tls_key``."""
    bridge_tls_key: str = ""
    """PEM private key of ``bridge_tls_cert``."""
    bridge_public_url: str = ""
    """Base URL printed by ``corral kairos url`` (e.g. ``https://agent.example.org:8443``)
    when the page is reached through another name than the bridge's address."""
    web: bool = True
    """Serve the remote page on the bridge's port (``corral kairos url`` / ``open``)."""
    web_login_ttl_s: float = 120.0
    """Seconds a login link from ``corral kairos url`` stays good (it works once)."""
    web_session_ttl_s: float = 43200.0
    """Seconds a browser stays signed in after using a login link."""
    permission_timeout_s: float = 300.0
    """A permission question of a daemon turn waits this long for an answer from the page
    or ``attach``, then is denied (and the daily log says so); 0 denies at once."""
