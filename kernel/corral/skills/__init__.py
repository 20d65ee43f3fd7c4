"""Skills: folders holding a ``SKILL.md`` (instructions, with optional YAML frontmatter) and
any files it refers to, found in the project, the user's folders and plugins.

The model sees each skill's name and description in the system prompt and loads one with the
``Skill`` tool; the user runs one as ``/name [args]``. See docs/skills.md. This package is
imported only when a skill folder exists, so a run without skills pays nothing for it.
"""
