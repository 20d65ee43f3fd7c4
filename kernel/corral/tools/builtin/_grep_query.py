"""What one Grep call searches for, shared by both search back ends."""

from __future__ import annotations

from pathlib import Path

import msgspec

from corral.tools.builtin.glob import VCS_DIRS

#: Override globs appended after the user's, so version-control metadata is never searched.
VCS_EXCLUDES = tuple(f"!{name}" for name in sorted(VCS_DIRS))


class GrepQuery(msgspec.Struct, frozen=True, kw_only=True):
    pattern: str
    #: Absolute directory or file to search.
    root: Path
    #: The user's glob filter(s), gitignore syntax; ``!`` excludes.
    globs: tuple[str, ...] = ()
    #: Name globs of the requested file type, or empty for every type.
    type_globs: tuple[str, ...] = ()
    ignore_case: bool = False
    multiline: bool = False
    #: Only whether a file matches is needed: one match per file is enough.
    files_only: bool = False
