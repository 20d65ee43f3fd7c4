"""Skills the tests write: shaped like the public collections (YAML frontmatter, scripts/,
reference files, multi-line descriptions, odd keys) and some broken ones."""

from __future__ import annotations

from pathlib import Path

PDF = """---
name: pdf-tools
description: >
  Fill PDF forms, pull text and tables out of PDFs, and merge or split them.
  Use when the user hands over a .pdf file or asks for a form to be filled.
license: Proprietary. LICENSE.txt has the complete terms
allowed-tools:
  - Bash(python scripts/fill_form.py:*)
  - Read
metadata:
  version: "1.2"
  tags: [pdf, forms]
x-odd-key: kept as written
---

# PDF tools

To fill a form, run `python scripts/fill_form.py INPUT.pdf` and read
reference/forms.md for the field names. Work on: $ARGUMENTS
"""

NOTES = """# Release notes

Write release notes from the git log since the last tag.

Group the changes by area and keep each line short.
"""

BROKEN = """---
[name, broken
  - description: {never closed
---
Never loaded.
"""

LOOSE = """---
name: loose
description: Use when: the YAML parser chokes on a colon: like this
argument-hint: [file] [mode]
---
Loose body.
"""


def write_skill(root: Path, folder: str, text: str, files: dict[str, str] | None = None) -> Path:
    """``root/folder/SKILL.md`` with ``text``, and ``files`` (relative path: text) beside it."""
    skill = root / folder
    skill.mkdir(parents=True, exist_ok=True)
    (skill / "SKILL.md").write_text(text)
    for rel, content in (files or {}).items():
        target = skill / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return skill / "SKILL.md"


def pdf_skill(root: Path) -> Path:
    return write_skill(root, "pdf", PDF, {
        "scripts/fill_form.py": "print('filled')\n",
        "reference/forms.md": "# Fields\n",
        "LICENSE.txt": "terms\n",
    })
