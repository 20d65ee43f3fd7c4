"""Errors of corral-undercover, all :class:`corral.errors.CorralError` subclasses."""

from __future__ import annotations

from collections.abc import Sequence

from corral.api import ConfigError, CorralError

from corral_undercover.findings import CATEGORY_LABELS, Finding

SECTION = "[plugins.undercover]"


class UndercoverConfigError(ConfigError):
    """A ``[plugins.undercover]`` value cannot be used (a bad regex, an unreadable terms file)."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(SECTION, key, problem)


class UndercoverBlocked(CorralError):
    """Outbound text holds confidential material and ``action = "block"``.

    The message names categories and positions only, never the matched text.
    """

    exit_code = 1

    def __init__(self, channel: str, findings: Sequence[Finding]) -> None:
        self.channel = channel
        self.findings = tuple(findings)
        super().__init__(block_message(f"{channel} text", findings))


def block_message(what: str, findings: Sequence[Finding], limit: int = 8) -> str:
    """The reason given when ``what`` is refused: categories and positions, what to do."""
    kinds = sorted({CATEGORY_LABELS[f.category] for f in findings})
    places = "; ".join(
        f"{CATEGORY_LABELS[f.category]} at {f.where()}"
        + (f" (near {f.preview!r})" if f.preview else "")
        for f in findings[:limit]
    )
    more = f"; and {len(findings) - limit} more" if len(findings) > limit else ""
    return (
        f"undercover: the {what} contains confidential material ({', '.join(kinds)}): "
        f"{places}{more}. This repository is public: rewrite those parts in plain, public "
        f"terms (the masked words are not shown on purpose) and try again."
    )
