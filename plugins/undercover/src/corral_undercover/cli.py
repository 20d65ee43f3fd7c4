"""``corral undercover``: scan, install-hooks, status."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any, TextIO

from corral.api import UsageError

from corral_undercover._prompt import categories
from corral_undercover.findings import Finding
from corral_undercover.githooks import install_hooks
from corral_undercover.matcher import Scanner, findings_to_json
from corral_undercover.scan import scan_message_file, scan_paths, scan_push, scan_staged
from corral_undercover.state import Undercover, settings_of


def default_command() -> list[str]:
    """How the git hooks reach this command: the Python that runs corral now."""
    return [sys.executable, "-m", "corral", "undercover"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the subcommands to ``corral undercover``."""
    sub = parser.add_subparsers(dest="undercover_command", metavar="COMMAND")
    sub.required = True
    scan = sub.add_parser(
        "scan",
        help="scan files, stdin, staged changes or a commit message (exit 1 if anything is found)",
    )
    scan.add_argument(
        "paths",
        nargs="*",
        metavar="FILE",
        help="files or directories; - (or nothing, with text piped in) reads stdin",
    )
    scan.add_argument("--staged", action="store_true", help="scan what `git commit` would record")
    scan.add_argument("--message-file", metavar="FILE", help="scan a commit message file")
    scan.add_argument(
        "--pushed", metavar="REMOTE", help="scan a push (pre-push hook: ref lines on stdin)"
    )
    scan.add_argument(
        "--json",
        action="store_true",
        help="print findings as a JSON list (line, column, category, start, end, rule, ...)",
    )
    scan.add_argument(
        "--redact",
        action="store_true",
        help="print each FILE (or stdin) with every finding replaced by a placeholder",
    )
    scan.add_argument(
        "--if-active", action="store_true", help="do nothing unless undercover is active here"
    )
    hooks = sub.add_parser("install-hooks", help="add commit-msg, pre-commit, pre-push hooks")
    hooks.add_argument(
        "--command",
        dest="hook_command",
        metavar="CMD",
        help="the command line the hooks use to reach `undercover` (default: this corral)",
    )
    sub.add_parser("status", help="say whether undercover is active here, and why")


def _print_findings(findings: list[Finding], as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(findings_to_json(findings).decode() + "\n")
        return
    for f in findings:
        out.write(f"{f.describe()}\n")
    if findings:
        out.write(
            f"undercover: {len(findings)} finding(s); rewrite them in public terms "
            "(matched words are masked on purpose)\n"
        )


def _read_one(src: str, inp: TextIO) -> str:
    if src == "-":
        return inp.read()
    path = Path(src)
    if path.is_dir():
        raise UsageError(f"undercover scan --redact: {src} is a directory; give files or -")
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"undercover scan: cannot read {src} ({exc.strerror})") from None


def _redact(args: argparse.Namespace, scanner: Scanner, out: TextIO, inp: TextIO) -> int:
    """``scan --redact FILE…|-``: each text with its findings replaced; exit 1 if any."""
    found_any = False
    for src in args.paths:
        redacted, found = scanner.redact(_read_one(src, inp))
        found_any = found_any or bool(found)
        if len(args.paths) > 1:
            out.write(f"==> {src} <==\n")
        out.write(redacted)
    return 1 if found_any else 0


def _scan(
    args: argparse.Namespace, und: Undercover, settings: Any, out: TextIO, inp: TextIO
) -> int:
    if args.if_active and not und.activity(settings).active:
        return 0
    scanner = und.any_scanner(settings)
    others = bool(args.staged) + bool(args.message_file) + bool(args.pushed)
    if not args.paths and not others:
        if inp.isatty():
            raise UsageError(
                "undercover scan: give FILE..., - (or pipe text) for stdin, --staged, "
                "--message-file or --pushed"
            )
        args.paths = ["-"]
    if args.redact:
        if others or args.json:
            raise UsageError(
                "undercover scan --redact: give only FILE... or - (not with --json, --staged, "
                "--message-file or --pushed)"
            )
        return _redact(args, scanner, out, inp)
    findings: list[Finding] = []
    files = [p for p in args.paths if p != "-"]
    for name in files:
        if not Path(name).exists():
            raise UsageError(f"undercover scan: {name}: no such file or directory")
    if "-" in args.paths:
        findings.extend(scanner.scan(inp.read(), path="-"))
    try:
        findings.extend(scan_paths(scanner, files))
    except OSError as exc:
        raise UsageError(f"undercover scan: cannot read {exc.filename} ({exc.strerror})") from None
    if args.staged or args.pushed:
        if und.root is None:
            raise UsageError(f"undercover scan: {und.cwd} is not inside a git repository")
        if args.staged:
            findings.extend(scan_staged(scanner, und.root))
        if args.pushed:
            findings.extend(scan_push(scanner, und.root, args.pushed, inp.read().splitlines()))
    if args.message_file:
        findings.extend(scan_message_file(scanner, Path(args.message_file)))
    _print_findings(findings, args.json, out)
    return 1 if findings else 0


def run_cli(
    args: argparse.Namespace, app: Any, *, out: TextIO | None = None, inp: TextIO | None = None
) -> int:
    """Run a parsed ``corral undercover`` command against ``app`` (anything with
    ``.config.plugin_settings`` and ``.cwd``); returns the exit status."""
    out = out or sys.stdout
    inp = inp or sys.stdin
    settings = settings_of(app.config)
    und = Undercover(Path(getattr(app, "cwd", None) or Path.cwd()))
    command = args.undercover_command
    if command == "scan":
        return _scan(args, und, settings, out, inp)
    if command == "install-hooks":
        if und.root is None:
            raise UsageError(f"undercover install-hooks: {und.cwd} is not inside a git repository")
        argv = shlex.split(args.hook_command) if args.hook_command else default_command()
        for path, what in install_hooks(und.root, argv):
            out.write(f"{what}: {path}\n")
        return 0
    act = und.activity(settings)
    out.write(f"undercover is {'active' if act.active else 'inactive'}: {act.reason}\n")
    for kind in categories(settings):
        out.write(f"  keeps out: {kind}\n")
    if act.active and settings.strip_attribution:
        trailer = "left off here (strip_attribution)"
    else:
        trailer = "as the attribution setting says"
    out.write(f"  corral's own commit/PR trailer: {trailer}\n")
    return 0


def run(args: argparse.Namespace, app: Any) -> int:
    return run_cli(args, app)

