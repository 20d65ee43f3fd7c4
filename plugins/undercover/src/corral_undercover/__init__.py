"""corral-undercover: Keeps confidential terms out of commits, PRs and files that leave the machine."""

__version__ = "0.1.0"
