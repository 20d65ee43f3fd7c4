"""Permission rules in Claude Code's syntax: ``Tool`` and ``Tool(specifier)``.

======================================  ============================================
``Bash``, ``Bash(*)``                   every shell command
``Bash(git status)``                    exactly that command
``Bash(npm run test:*)``                that command, alone or followed by arguments
``Bash(git diff *)`` / ``Bash(ls*)``    glob; a space before ``*`` keeps a word boundary
``Read(src/**)``, ``Edit(*.md)``        gitignore patterns; anchors ``//abs``, ``~/home``,
                                        ``/root-of-the-settings-file``, ``./cwd``, bare
``WebFetch(domain:example.com)``        that host; ``domain:*.example.com`` its subdomains
``mcp__server``, ``mcp__server__tool``  every tool of an MCP server, or one of them
``Agent(name)``                         one sub-agent type
``Skill(name)``, ``Skill(pdf*)``        one skill, or the skills a ``*`` pattern names
======================================  ============================================

``Read`` rules apply to every file-reading tool, ``Edit`` rules to every file-writing tool
(Write, MultiEdit, NotebookEdit) and to shell redirections.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from corral.errors import CorralError
from corral.permissions._patterns import PatternError, bash_regex, gitignore_regex

RuleKind = Literal["allow", "ask", "deny"]
#: What a tool does, as far as the chain is concerned.
ToolKind = Literal["read", "edit", "bash", "webfetch", "readonly", "agent", "other"]

PATH_TOOLS = frozenset(
    {"Read", "Edit", "Write", "MultiEdit", "NotebookEdit", "NotebookRead", "Glob", "Grep", "LS"}
)
AGENT_TOOLS = frozenset({"Agent", "Task"})
#: The tool ``Skill(name)`` rules are about.
SKILL_TOOL = "Skill"
_RULE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.-]*|mcp__[A-Za-z0-9_.-]+__\*)\s*(?:\((.*)\))?\s*",
                   re.DOTALL)
_HOST = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


class Rule(msgspec.Struct, frozen=True, kw_only=True):
    """One permission rule and where it came from."""

    text: str
    kind: RuleKind
    #: The file the rule came from, or a label such as ``--allowedTools`` or ``managed``.
    source: str
    #: The directory ``/pattern`` anchors are relative to (the settings file's project root).
    root_dir: str | None = None
    tool: str
    specifier: str | None = None


class RuleError(CorralError):
    """A rule that cannot be parsed; the other rules still load."""

    exit_code = 2

    def __init__(self, rule: str, kind: str, source: str, index: int, column: int,
                 problem: str) -> None:
        self.rule = rule
        self.kind = kind
        self.source = source
        self.index = index
        self.column = column
        self.problem = problem
        super().__init__(
            f"{source}: permissions.{kind}[{index}] {rule!r}, column {column + 1}: {problem}; "
            "fix or remove this rule (the other rules still apply)"
        )


class CompiledRule(msgspec.Struct, frozen=True):
    rule: Rule
    matcher: Literal["any", "bash", "path", "domain", "agent", "skill", "command"]
    regex: re.Pattern[str] | None = None
    #: Path rules: "/" (``//``), "~" (``~/``), "root" (``/``) or "cwd" (``./`` and bare).
    anchor: str = "cwd"
    root: str | None = None
    domain: str | None = None

    def applies_to(self, tool: str, kind: ToolKind) -> bool:
        name = self.rule.tool
        if name == tool:
            return True
        if name == "Read" and kind == "read" or name == "Edit" and kind == "edit":
            return True
        if name in AGENT_TOOLS and tool in AGENT_TOOLS:
            return True
        if name.startswith("mcp__") and tool.startswith("mcp__"):
            if name.endswith("__*"):
                return tool.startswith(name[:-1])
            return name.count("__") == 1 and tool.startswith(name + "__")
        return False

    def matches_path(self, path: str, cwd: str, home: str) -> bool:
        """``path`` is resolved and absolute."""
        assert self.regex is not None
        anchor = self.anchor
        if anchor == "cwd":
            base = cwd
        elif anchor == "/":
            base = "/"
        elif anchor == "~":
            base = home
        else:
            base = self.root or cwd
        if base == "/":
            rel = path[1:]
        elif path == base:
            rel = ""
        elif path.startswith(base + "/"):
            rel = path[len(base) + 1 :]
        else:
            return False
        return self.regex.fullmatch(rel) is not None

    def matches_bash(self, texts: Iterable[str]) -> bool:
        if self.matcher == "any":
            return True
        assert self.regex is not None
        fullmatch = self.regex.fullmatch
        for t in texts:
            if fullmatch(t) is not None:
                return True
        return False

    def matches_host(self, host: str) -> bool:
        assert self.domain is not None
        if self.domain.startswith("*."):
            return host.endswith(self.domain[1:])
        return host == self.domain


def compile_rule(rule: Rule) -> CompiledRule:
    """Compile one rule; raises :class:`PatternError` (with a column) when it is invalid."""
    tool, spec = rule.tool, rule.specifier
    if spec is None or (spec == "*" and tool != "WebFetch"):
        return CompiledRule(rule, "any")
    if tool == "Bash":
        return CompiledRule(rule, "bash", regex=bash_regex(spec))
    if tool in PATH_TOOLS:
        anchor, pattern = _anchor(spec)
        anchored = anchor != "cwd" or spec.startswith("./")
        regex = gitignore_regex(pattern, ignore_case=rule.kind != "allow", anchored=anchored)
        root = os.path.realpath(rule.root_dir) if rule.root_dir else None
        return CompiledRule(rule, "path", regex=regex, anchor=anchor, root=root)
    if tool == "WebFetch":
        if not spec.startswith("domain:"):
            raise PatternError(0, "WebFetch rules take 'domain:HOST' or 'domain:*.HOST'")
        host = spec[len("domain:") :].strip().lower().rstrip(".")
        if not _HOST.fullmatch(host):
            raise PatternError(7, f"{host!r} is not a host name")
        return CompiledRule(rule, "domain", domain=host)
    if tool in AGENT_TOOLS:
        return CompiledRule(rule, "agent", regex=re.compile(re.escape(spec.strip())))
    if tool == SKILL_TOOL:
        name = spec.strip().lstrip("/")
        if not name or any(c.isspace() for c in name):
            raise PatternError(len(tool) + 1, "Skill rules take one skill name, or a pattern "
                               "with '*' (Skill(pdf), Skill(myplugin:*))")
        pattern = ".*".join(re.escape(part) for part in name.split("*"))
        return CompiledRule(rule, "skill", regex=re.compile(pattern))
    if tool == "SlashCommand":
        return CompiledRule(rule, "command", regex=_command_regex(spec.strip()))
    raise PatternError(
        len(tool) + 1,
        f"{tool} takes no specifier (specifiers exist for Bash, file tools, WebFetch, Agent, "
        "Skill, SlashCommand)",
    )


def skill_name(tool_input: dict[str, object]) -> str:
    """The skill a ``Skill`` call names (``skill``, or the older ``command``)."""
    value = tool_input.get("skill") or tool_input.get("command") or ""
    return str(value).strip().lstrip("/")


_SLASH_COLON = "SlashCommand:"


def _command_regex(spec: str) -> re.Pattern[str]:
    """``/name`` matches that command without arguments; ``/name:*`` or ``/name *`` with any
    arguments too."""
    for suffix in (":*", " *"):
        if spec.endswith(suffix):
            name = spec[: -len(suffix)].strip()
            if not name.startswith("/"):
                raise PatternError(0, "SlashCommand rules name a command: /name or /name:*")
            return re.compile(re.escape(name) + r"(?:\s.*)?", re.DOTALL)
    if not spec.startswith("/"):
        raise PatternError(0, "SlashCommand rules name a command: /name or /name:*")
    return re.compile(re.escape(spec))


def _anchor(spec: str) -> tuple[str, str]:
    if spec.startswith("//"):
        return "/", spec[2:]
    if spec == "~" or spec.startswith("~/"):
        return "~", spec[2:]
    if spec.startswith("/"):
        return "root", spec[1:]
    if spec.startswith("./"):
        return "cwd", spec[2:]
    return "cwd", spec


def parse_rule(text: str, kind: RuleKind, source: str, root_dir: str | None = None,
               index: int = 0) -> tuple[Rule, CompiledRule]:
    """Parse and compile one rule; raises :class:`RuleError`."""
    if text.strip().startswith(_SLASH_COLON):  # Claude Code's spelling SlashCommand:/name
        text = f"SlashCommand({text.strip()[len(_SLASH_COLON):]})"
    m = _RULE.fullmatch(text)
    if m is None:
        col = _first_bad(text)
        raise RuleError(text, kind, source, index, col,
                        "expected Tool or Tool(specifier), e.g. Bash(npm run test:*)")
    tool, spec = m.group(1), m.group(2)
    if spec is not None and not spec.strip():
        raise RuleError(text, kind, source, index, m.start(2),
                        "empty specifier; write the bare tool name to match every call")
    rule = Rule(text=text.strip(), kind=kind, source=source, root_dir=root_dir, tool=tool,
                specifier=spec.strip() if spec is not None else None)
    try:
        return rule, compile_rule(rule)
    except PatternError as exc:
        offset = m.start(2) if spec is not None else 0
        raise RuleError(text, kind, source, index, offset + exc.column, exc.problem) from None


def _first_bad(text: str) -> int:
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    m = re.match(r"[A-Za-z_][A-Za-z0-9_.-]*", stripped)
    if m is None:
        return lead
    rest = stripped[m.end() :]
    if rest.startswith("(") and not rest.rstrip().endswith(")"):
        return len(text.rstrip())
    return lead + m.end()


@dataclass(frozen=True)
class RuleSet:
    """Rules in their merged order, compiled, with a per-tool index built on demand."""

    compiled: tuple[CompiledRule, ...] = ()
    _index: dict[tuple[str, str, str], tuple[CompiledRule, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(c.rule for c in self.compiled)

    @classmethod
    def from_sources(
        cls, items: Iterable[tuple[str, str, str, str | None]]
    ) -> tuple[RuleSet, list[RuleError]]:
        """Build from ``(kind, rule_text, source, root_dir)`` tuples; bad rules become errors."""
        compiled: list[CompiledRule] = []
        errors: list[RuleError] = []
        counters: dict[tuple[str, str], int] = {}
        for kind, text, source, root_dir in items:
            index = counters.get((source, kind), 0)
            counters[(source, kind)] = index + 1
            if kind not in ("allow", "ask", "deny"):
                errors.append(RuleError(text, kind, source, index, 0,
                                        "the rule list must be allow, ask or deny"))
                continue
            try:
                _, c = parse_rule(text, kind, source, root_dir, index)  # type: ignore[arg-type]
            except RuleError as exc:
                errors.append(exc)
                continue
            compiled.append(c)
        return cls(tuple(compiled)), errors

    def for_tool(self, kind: RuleKind, tool: str, tool_kind: ToolKind) -> Sequence[CompiledRule]:
        key = (kind, tool, tool_kind)
        found = self._index.get(key)
        if found is None:
            found = tuple(
                c for c in self.compiled if c.rule.kind == kind and c.applies_to(tool, tool_kind)
            )
            self._index[key] = found
        return found

    def bare_denies(self, tool: str, tool_kind: ToolKind) -> CompiledRule | None:
        for c in self.for_tool("deny", tool, tool_kind):
            if c.matcher == "any":
                return c
        return None


def split_rules(values: list[str]) -> list[str]:
    """``--allowedTools "Read,Bash(git diff *)" Edit``: split on commas and spaces outside
    parentheses."""
    rules: list[str] = []
    for value in values:
        depth = 0
        current = ""
        for char in value:
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            if char in ", " and depth == 0:
                if current.strip():
                    rules.append(current.strip())
                current = ""
            else:
                current += char
        if current.strip():
            rules.append(current.strip())
    return rules
