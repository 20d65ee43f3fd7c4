"""``corral memory show|list|search|add|remove|edit``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corral.app import App
    from corral.memory.entry import MemoryEntry
    from corral.memory.store import MemoryStore

_TYPES = ("user", "feedback", "project", "reference")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="memory_command", metavar="ACTION")
    show = sub.add_parser("show", help="the assembled instructions with their sources and sizes")
    show.add_argument("--json", action="store_true", help="one JSON object")
    show.add_argument("--text", action="store_true", help="also print the assembled text")
    listing = sub.add_parser("list", help="the entries of the memory stores")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    _scope(listing, every=True)
    search = sub.add_parser("search", help="entries matching words or tags, best first")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=20,
                        help="show at most this many entries (default 20)")
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    _scope(search, every=True)
    add = sub.add_parser("add", help="remember a fact")
    add.add_argument("text")
    add.add_argument("--type", choices=_TYPES, default="project",
                     help="what kind of memory: user (about you), feedback (how to work), "
                     "project (facts of this project, the default), reference (where to look)")
    add.add_argument("--tags", default="", help="comma-separated")
    add.add_argument("--importance", type=int, default=3, help="1 to 5 (default 3)")
    add.add_argument("--topic", default=None, help="topic file name (default: the type)")
    add.add_argument("--files", default="", help="comma-separated project paths")
    _scope(add)
    remove = sub.add_parser("remove", help="forget an entry by id")
    remove.add_argument("id")
    _scope(remove)
    edit = sub.add_parser("edit", help="open a topic file (or the index) in $EDITOR")
    edit.add_argument("topic", nargs="?", default="index",
                      help="topic name, or 'index' for MEMORY.md (default)")
    _scope(edit)


def _scope(parser: argparse.ArgumentParser, every: bool = False) -> None:
    choices = ("project", "user", "all") if every else ("project", "user")
    parser.add_argument("--scope", choices=choices, default="all" if every else "project")


def run(args: argparse.Namespace, app: App) -> int:
    from corral.errors import UsageError
    from corral.memory.session_memory import SessionMemory, connect_hooks

    memory = SessionMemory(app.config.memory, app.cwd)
    connect_hooks(memory, app.host, None)
    action = getattr(args, "memory_command", None) or "show"
    if action == "show":
        return _show(memory, as_json=getattr(args, "json", False),
                     text=getattr(args, "text", False))
    stores = _stores(memory, args.scope)
    if action == "list":
        return _list([(s, e) for s in stores for e in s.load()], args.json)
    if action == "search":
        from corral.memory.select import search

        found = [(score, s, e) for s in stores for score, e in search(s.load(), args.query,
                                                                        args.limit)]
        found.sort(key=lambda t: -t[0])
        return _list([(s, e) for _, s, e in found[: args.limit]], args.json)
    store = stores[0]
    if action == "add":
        entry = store.add(args.text, type=args.type, tags=_csv(args.tags),
                          importance=args.importance, topic=args.topic, files=_csv(args.files),
                          source="cli")
        _out(f"added {entry.id} to {store.scope} memory ({store.topic_path(entry.topic)})")
        return 0
    if action == "remove":
        entry = store.remove(args.id, source="cli")
        _out(f"removed {entry.id}: {entry.text}")
        return 0
    if action == "edit":
        return _edit(store, args.topic)
    raise UsageError(f"unknown memory action {action!r}")


def _stores(memory: Any, scope: str) -> list[MemoryStore]:
    from corral.errors import UsageError

    stores: list[MemoryStore] = [s for s in memory.stores() if scope in ("all", s.scope)]
    if not stores:
        raise UsageError("the user memory store is off (memory.user_store = false)")
    return stores


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _out(text: str) -> None:
    sys.stdout.write(text.rstrip("\n") + "\n")


def _show(memory: Any, *, as_json: bool, text: bool) -> int:
    import msgspec

    from corral.memory.render import MemoryReport, report_data

    if as_json:
        data = report_data(memory)
        data["text"] = memory.instructions_text
        _out(msgspec.json.encode(data).decode())
        return 0
    from rich.console import Console

    console = Console(file=sys.stdout, highlight=False)
    console.print(MemoryReport(memory))
    if text and memory.instructions_text:
        console.print(memory.instructions_text, markup=False)
    return 0


def _list(rows: list[tuple[MemoryStore, MemoryEntry]], as_json: bool) -> int:
    import msgspec

    for store, entry in rows:
        if as_json:
            data = msgspec.to_builtins(entry)
            data["scope"] = store.scope
            _out(msgspec.json.encode(data).decode())
        else:
            tags = "".join(f" #{t}" for t in entry.tags)
            _out(f"{entry.id}  {store.scope}/{entry.type}  imp {entry.importance}  "
                 f"{entry.updated.date().isoformat()}{tags}  {entry.text}")
    if not rows and not as_json:
        _out("no memory entries")
    return 0


def _edit(store: MemoryStore, topic: str) -> int:
    import os
    import shlex
    import subprocess

    from corral.errors import UsageError
    from corral.memory import _format
    from corral.memory.entry import valid_topic

    if topic == "index":
        path = store.index_path
    elif valid_topic(topic):
        path = store.topic_path(topic)
    else:
        raise UsageError(f"topic {topic!r} must be a lower-case name (or 'index')")
    if not path.exists():
        from corral.memory.store import write_file

        with store.lock():
            if not path.exists():
                write_file(path, f"# Memory: {topic}\n" if topic != "index"
                             else _format.render_index(store.load(), None))
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    status = subprocess.call([*shlex.split(editor), str(path)])
    if status != 0:
        _out(f"{editor} exited with status {status}")
        return status
    if topic != "index":
        try:
            _format.parse_topic(path.read_text(encoding="utf-8"), topic)
        except _format.ParseError as exc:
            _out(f"{path}: {exc}; fix it before the next session, which would move it aside")
            return 1
    store.reindex()
    _out(f"saved {path}; MEMORY.md updated")
    return 0
