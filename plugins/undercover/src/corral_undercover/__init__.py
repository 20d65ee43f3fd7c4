"""corral-undercover: keeps confidential terms out of commits, PRs and files that leave the
machine."""

from __future__ import annotations

__version__ = "0.1.0"
