"""corral-dream: Memory consolidation in four phases: prune, merge, refresh, synthesize."""

__version__ = "0.1.0"
