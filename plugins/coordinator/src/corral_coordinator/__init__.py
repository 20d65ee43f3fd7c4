"""corral-coordinator: Sub-agents with their own prompts, tools and permissions, run in parallel."""

__version__ = "0.1.0"
