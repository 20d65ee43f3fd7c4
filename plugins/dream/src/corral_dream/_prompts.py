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
