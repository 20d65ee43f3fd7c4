"""The on-disk text of topic files and of the ``MEMORY.md`` index (see docs/memory.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

import msgspec

from corral.hints import resolve_annotations
from corral.memory.entry import EntryMeta, MemoryEntry, summary

ENTRY_MARK = "<!-- corral:entry "
_END = " -->"
_ESCAPED = "\\" + ENTRY_MARK
INDEX_START = "<!-- corral:index:start (generated from topics/*.md; lines outside the markers are kept) -->"
INDEX_END = "<!-- corral:index:end -->"
_INDEX_DEFAULT_HEAD = "# Memory index\n\nOne line per entry, most important first.\n"
#: ``- [type] summary — id · topic · #tags · updated YYYY-MM-DD``
INDEX_LINE = re.compile(r"^- \[(?P<type>\w+)\] .* · updated (?P<date>\d{4}-\d\d-\d\d)$")

_encoder = msgspec.json.Encoder()
resolve_annotations(EntryMeta)  # through the code cache (see corral.hints)
_decoder = msgspec.json.Decoder(EntryMeta)


class ParseError(ValueError):
    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


def parse_topic(text: str, topic: str) -> list[MemoryEntry]:
    """The entries of one topic file; :class:`ParseError` names the first bad line."""
    entries: list[MemoryEntry] = []
    meta: EntryMeta | None = None
    body: list[str] = []
    start = 0

    def close() -> None:
        if meta is None:
            return
        body_text = "\n".join(body).strip("\n")
        if not body_text.strip():
            raise ParseError(start, f"entry {meta.id} has no text")
        entries.append(_entry(meta, body_text, topic))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(ENTRY_MARK):
            close()
            if not line.rstrip().endswith(_END):
                raise ParseError(number, "an entry marker must end with ' -->' on the same line")
            raw = line.rstrip()[len(ENTRY_MARK) : -len(_END)]
            try:
                meta = _decoder.decode(raw)
            except msgspec.DecodeError as exc:
                raise ParseError(number, f"bad entry metadata: {exc}") from None
            body, start = [], number
        elif meta is not None:
            body.append(line[1:] if line.startswith(_ESCAPED) else line)
    close()
    return entries


def _entry(meta: EntryMeta, text: str, topic: str) -> MemoryEntry:
    return MemoryEntry(
        id=meta.id, text=text, type=meta.type, tags=meta.tags, importance=meta.importance,
        created=meta.created, updated=meta.updated, source=meta.source, files=meta.files,
        topic=topic, expires=meta.expires,
    )


def render_topic(topic: str, entries: Iterable[MemoryEntry]) -> str:
    """The text of ``topics/<topic>.md`` holding ``entries`` (oldest first)."""
    parts = [f"# Memory: {topic}\n"]
    for entry in sorted(entries, key=lambda e: (e.created, e.id)):
        meta = EntryMeta(
            id=entry.id, type=entry.type, tags=entry.tags, importance=entry.importance,
            created=entry.created, updated=entry.updated, source=entry.source,
            files=entry.files, expires=entry.expires,
        )
        lines = [
            _ESCAPED + line[len(ENTRY_MARK) :] if line.startswith(ENTRY_MARK) else line
            for line in entry.text.strip("\n").splitlines()
        ]
        parts.append(ENTRY_MARK + _encoder.encode(meta).decode() + _END + "\n" + "\n".join(lines)
                     + "\n")
    return "\n".join(parts)


def index_line(entry: MemoryEntry) -> str:
    tags = "".join(f" #{t}" for t in entry.tags)
    date = entry.updated.date().isoformat()
    return (f"- [{entry.type}] {summary(entry.text)} — {entry.id} · {entry.topic}"
            f"{' ·' + tags if tags else ''} · updated {date}")


def index_order(entries: Sequence[MemoryEntry]) -> list[MemoryEntry]:
    """Most important first, then most recently updated: what a cut-off keeps."""
    return sorted(entries, key=lambda e: (-e.importance, -e.updated.timestamp(), e.id))


def render_index(entries: Sequence[MemoryEntry], previous: str | None) -> str:
    """``MEMORY.md``: the generated lines between the markers, the rest of ``previous`` kept."""
    generated = "\n".join([INDEX_START, *(index_line(e) for e in index_order(entries)), INDEX_END])
    if previous and INDEX_START in previous and INDEX_END in previous:
        head, _, rest = previous.partition(INDEX_START)
        _, _, tail = rest.partition(INDEX_END)
        return head + generated + tail
    if previous and previous.strip():
        return previous.rstrip("\n") + "\n\n" + generated + "\n"
    return _INDEX_DEFAULT_HEAD + "\n" + generated + "\n"


def mark_stale(index_text: str, cutoff: datetime) -> str:
    """Append "(possibly stale)" to index lines last updated before ``cutoff``."""
    day = cutoff.date().isoformat()
    out = []
    for line in index_text.splitlines():
        match = INDEX_LINE.match(line)
        if match and match["date"] < day:
            line += " (possibly stale)"
        out.append(line)
    return "\n".join(out)


def as_stored(entry: MemoryEntry) -> MemoryEntry:
    """``entry`` as the store gives it back after writing it to its topic file and reading
    it again (the store's own round trip: normalised text, rounded times)."""
    [stored] = parse_topic(render_topic(entry.topic, [entry]), entry.topic)
    return stored
