"""Settings of the ``[plugins.undercover]`` table."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Action = Literal["block", "redact"]
Mode = Literal["auto", "on", "off"]
WordBoundary = Literal["short", "always", "never"]


class Settings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """``[plugins.undercover]`` in any corral config layer.

    Every field has a default, so an empty table is valid (and, in ``auto`` mode, inactive:
    nothing is configured to keep out).
    """

    terms: list[str] = msgspec.field(default_factory=list)
    """Confidential words: codenames, product and people names, internal repository names."""
    terms_file: str = ""
    """A file with more terms, one a line (``#`` starts a comment). It must live outside the
    repository so the list itself is never committed; ``~`` is expanded."""
    patterns: list[str] = msgspec.field(default_factory=list)
    """Regular expressions (Python syntax), such as unreleased version numbers. They run on the
    normalized text (case-folded, width-folded, look-alikes folded, invisible characters
    removed), case-insensitively."""
    internal_hosts: list[str] = msgspec.field(default_factory=list)
    """Internal host or domain names; subdomains match too (``corp.example`` covers
    ``wiki.corp.example``)."""
    channels: list[str] = msgspec.field(default_factory=list)
    """Chat channel names, with or without the leading ``#``."""
    short_link_prefixes: list[str] = msgspec.field(default_factory=lambda: ["go"])
    """Prefixes of internal short links (``go/xyz``). Empty turns the check off."""
    internal_remotes: list[str] = msgspec.field(default_factory=list)
    """Git remotes that are internal: a host (``git.corp.example``), a URL prefix, or a
    shell-style glob over the URL (``git@github.com:acme-private/*``)."""
    action: Action = "block"
    """``block`` refuses text with a finding; ``redact`` replaces each finding."""
    mode: Mode = "auto"
    """``on`` always, ``off`` never, ``auto`` when the repository has a remote not listed in
    ``internal_remotes`` (no remote, or no repository, counts as public) and something is
    configured to keep out."""
    leetspeak: bool = False
    """Also fold digit and symbol look-alikes (``c4pyb@r@``). Folds ``1``, ``l`` and ``i``
    together, which makes a few more false positives."""
    word_boundary: WordBoundary = "short"
    """``short``: terms of at most ``short_term_length`` letters match only as whole words,
    longer ones also inside words; ``always``: every term only as a whole word; ``never``:
    anywhere. CamelCase humps and letter/digit changes count as word edges."""
    strip_attribution: bool = True
    """While undercover is active, drop corral's own commit/PR trailer (the kernel's
    ``attribution`` setting) for the session. Trailers people write (``Co-authored-by``,
    ``Signed-off-by``) are never removed."""
    short_term_length: Annotated[int, msgspec.Meta(ge=0)] = 4
    """The length (in normalized letters) up to which ``word_boundary = "short"`` asks for a
    whole word."""
