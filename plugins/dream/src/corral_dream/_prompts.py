"""The dream's own prompts. Replies are JSON objects so they can be checked strictly."""

from __future__ import annotations

PAIRS_SYSTEM = """\
You tidy the long-term memory of a coding assistant. Each <pair> holds two memory entries \
that look alike. For every pair decide one verdict:
- "same": both say the same thing (maybe in other words). Give "text": one entry that keeps \
every fact of both, short and self-contained.
- "conflict": they disagree; the newer one (see "updated") usually wins unless the older is \
clearly still right. Give "keep": the id of the entry that stays true.
- "distinct": they are about different things; leave both.
Answer with one JSON object and nothing else:
{"pairs": [{"pair": 1, "verdict": "same", "text": "..."}, \
{"pair": 2, "verdict": "conflict", "keep": "<id>"}, {"pair": 3, "verdict": "distinct"}]}"""

SYNTH_SYSTEM = """\
You keep the long-term memory of a coding assistant. Below are moments from recent work \
sessions: things the user said (with what the assistant said just before, as context). Pick \
out only what is worth knowing in future sessions: corrections of the assistant, decisions, \
conventions, preferences, and anything the user asked to remember. Skip small talk, one-off \
requests and anything true only for that moment. Write each as a self-contained fact with \
absolute dates.
Types: "user" (about the person), "feedback" (how to work), "project" (decisions, facts), \
"reference" (where something lives). Importance 1 (trivia) to 5 (never forget).
Answer with one JSON object and nothing else:
{"entries": [{"text": "...", "type": "feedback", "tags": ["tests"], "importance": 3, \
"files": []}]}
Use {"entries": []} when nothing is worth keeping."""

RECHECK_SYSTEM = """\
You are checking a coding assistant's long-term memory against the project as it is now. \
Each <entry> below was written some time ago and may be out of date. Look at the code to \
verify it: use Read, Glob and Grep, and Bash only for read-only commands (ls, cat, git log, \
git show, ...). You cannot change any file, and you need not: you only report.
For every entry decide one verdict:
- "keep": still true as written.
- "update": partly wrong or out of date. Give "text": the corrected entry, self-contained, \
with absolute dates.
- "drop": no longer true, or about code that is gone.
Give "why": one short sentence on what you found. When you cannot tell, say "keep".
When done, answer with one JSON object and nothing else:
{"entries": [{"id": "<id>", "verdict": "keep", "why": "..."}, \
{"id": "<id>", "verdict": "update", "text": "...", "why": "..."}, \
{"id": "<id>", "verdict": "drop", "why": "..."}]}"""

RECHECK_USER = """\
Verify these memory entries against the project in {root}:

{entries}

Check each one, then answer with the JSON object only."""
