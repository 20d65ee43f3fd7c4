"""corral-kairos: Always-on agent: tick loop, Sleep tool, background daemon, daily logs, bridge."""

__version__ = "0.1.0"
