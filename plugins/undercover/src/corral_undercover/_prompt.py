"""The system-prompt section: which kinds of material to keep out, never the material itself."""

from __future__ import annotations

from corral_undercover.settings import Settings


def categories(settings: Settings) -> list[str]:
    """Plain descriptions of what is configured, for the prompt and ``status``."""
    kinds: list[str] = []
    if settings.terms or settings.terms_file:
        kinds.append("internal codenames, project and people names, and internal repository names")
    if settings.patterns:
        kinds.append("internal identifiers such as unreleased version numbers")
    if settings.internal_hosts:
        kinds.append("internal hostnames and URLs")
    if settings.channels:
        kinds.append("internal chat channel names")
    if settings.short_link_prefixes:
        links = ", ".join(f"{p.strip('/')}/…" for p in settings.short_link_prefixes)
        kinds.append(f"internal short links ({links})")
    return kinds


def section_text(settings: Settings) -> str:
    """The section's wording (written for corral)."""
    bullet = "\n".join(f"- {k}" for k in categories(settings))
    return (
        "This repository is public, or corral cannot tell that it is private. Anything you put "
        "into a commit message, tag, pull request, issue, release note or a file in the "
        "repository can be read outside the organisation. Keep these out of all of it:\n"
        f"{bullet}\n"
        'Describe the change in ordinary public words instead ("the new parser", not its '
        "internal name). A checker reads every commit, PR and file write; when it refuses a "
        "call, it says which kind of material it saw and where. Rewrite that part and try "
        "again; do not try to slip the word past the checker by spelling it differently.\n"
        "This concerns confidential names only. Keep any attribution a person wrote "
        "(Co-authored-by, Signed-off-by) as it is, and never claim to be a human or deny "
        "being an AI when asked."
    )
