"""The kernel's configuration schema.

Every table rejects unknown keys. Plugin tables (``[plugins.<name>]``) stay raw here and are
validated by the Struct each plugin registers through ``corral_add_settings``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from corral.sandbox.settings import SandboxSettings

PermissionMode = Literal["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"]

DEFAULT_ALIASES: dict[str, str] = {
    "sonnet": "claude-sonnet-4-6",
    "opus": "claude-opus-4-7",
    "haiku": "claude-haiku-4-5",
}


class PermissionSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[permissions]``: rules (merged across layers) and the starting mode."""

    allow: list[str] = msgspec.field(default_factory=list)
    ask: list[str] = msgspec.field(default_factory=list)
    deny: list[str] = msgspec.field(default_factory=list)
    default_mode: PermissionMode = "default"
    additional_directories: list[str] = msgspec.field(default_factory=list)
    #: Name patterns of secret-looking files whose reading asks (None: the built-in list).
    secret_files: list[str] | None = None
    #: Lock: bypassPermissions acts as default mode (any layer may set it).
    disable_bypass_mode: bool = False
    #: Locks that only mean something in the managed policy file.
    managed_rules_only: bool = False
    managed_hooks_only: bool = False


class ApiSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[api]``: how to reach the model. Secrets stay in the environment, never here."""

    base_url: str | None = None
    #: ``anthropic`` (the kernel's Messages-API transport), ``anthropic-sdk`` / ``bedrock`` /
    #: ``vertex`` (through the anthropic SDK, ``corral[sdk]``), or the name of a provider a
    #: plugin registers through ``corral_register_providers`` for another wire format.
    provider: str = "anthropic"
    extra_headers: dict[str, str] = msgspec.field(default_factory=dict)
    #: Beta features, sent as the ``anthropic-beta`` header.
    betas: list[str] = msgspec.field(default_factory=list)
    #: The environment variable holding the key, for providers that read one (the openai
    #: provider reads ``OPENAI_API_KEY`` when this is unset).
    api_key_env: str | None = None
    #: A shell command whose output is the credential (Claude Code's ``apiKeyHelper``):
    #: sent as ``x-api-key`` and bearer token, run again after its time to live
    #: (``CLAUDE_CODE_API_KEY_HELPER_TTL_MS``, 5 minutes by default) and after a 401.
    key_helper: str | None = None
    max_retries: int = 4
    timeout_s: float = 600.0
    #: First retry waits about this long; each further retry doubles it (with jitter).
    retry_base_delay_s: float = 1.0
    retry_max_delay_s: float = 60.0


class ModelSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[models]``: aliases and output limits."""

    aliases: dict[str, str] = msgspec.field(default_factory=lambda: dict(DEFAULT_ALIASES))
    max_output_tokens: int = 16000
    #: Extra or corrected prices in US dollars per million tokens, by model-id prefix:
    #: ``{"deepseek-chat" = {input = 0.27, output = 1.1, cache_write = 0.27, cache_read = 0.07}}``.
    prices: dict[str, dict[str, float]] = msgspec.field(default_factory=dict)
    #: Context window in tokens by model-id prefix, for models corral does not know:
    #: ``{"qwen3-coder" = 262144}``. It sets when compaction starts.
    context_windows: dict[str, int] = msgspec.field(default_factory=dict)


class EngineSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[engine]``: limits and behaviour of the turn loop."""

    #: How many concurrency-safe tool calls run at once.
    max_parallel_tools: int = 10
    #: Stop after this many model requests in one turn (``--max-turns``); 0 is no limit.
    max_turns: int = 0
    #: Stop once the session has cost this much (``--max-budget-usd``); 0 is no limit.
    max_budget_usd: float = 0.0
    #: Stop a turn after this many seconds of wall-clock time; 0 is no limit.
    max_wall_s: float = 0.0
    auto_compact: bool = True
    #: Compact when a request's input passes this many tokens; 0 derives it from the
    #: model's window: window - min(max output, 20k) - 13k.
    compact_trigger_tokens: int = 0
    #: Tool results larger than this many characters are the first to be elided.
    compact_tool_result_chars: int = 2000
    #: Output characters a tool result keeps (head and tail) before the middle is elided.
    max_tool_output_chars: int = 30000


class MemorySettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``[memory]``: instruction files and the memory store (docs/memory.md)."""

    #: Load instruction files and the memory store into sessions at all.
    enabled: bool = True
    #: How many ``@import`` levels below an instruction file are followed.
    max_import_depth: int = 4
    #: Follow imports of files outside the project and the user's config directories.
    allow_external_imports: bool = False
    #: Characters of instruction text injected into the system prompt, the rest cut; 0 (the
    #: default) sends every instruction file whole.
    max_instruction_chars: int = 0
    #: An instruction file larger than this many characters gets one warning with its size.
    large_instruction_chars: int = 40_000
    #: How much of each store's ``MEMORY.md`` a session loads.
    index_max_lines: int = 200
    index_max_bytes: int = 25_000
    #: Entries most relevant to the current work shown in full.
    relevant_entries: int = 8
    #: Entries not updated for this many days are shown as possibly stale; 0 turns it off.
    stale_after_days: int = 60
    #: Use the user-level store (in the user data dir) beside the project's.
    user_store: bool = True


class StatusLineSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``status_line`` (Claude Code's ``statusLine``): a command whose output the REPL's
    status area shows; it reads the session's JSON on stdin."""

    type: Literal["command"] = "command"
    command: str
    #: Spaces before the text.
    padding: int = 0


class Config(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The effective configuration of one corral run."""

    model: str = "sonnet"
    #: The trailer corral asks the model to add to commits and PRs it writes (empty: none).
    attribution: str = "Co-Authored-By: corral <noreply@corral.invalid>"
    features: dict[str, bool] = msgspec.field(default_factory=dict)
    plugins: dict[str, Any] = msgspec.field(default_factory=dict)
    permissions: PermissionSettings = msgspec.field(default_factory=PermissionSettings)
    api: ApiSettings = msgspec.field(default_factory=ApiSettings)
    models: ModelSettings = msgspec.field(default_factory=ModelSettings)
    engine: EngineSettings = msgspec.field(default_factory=EngineSettings)
    memory: MemorySettings = msgspec.field(default_factory=MemorySettings)
    sandbox: SandboxSettings = msgspec.field(default_factory=SandboxSettings)
    #: Command hooks in Claude Code's shape: ``{Event: [{matcher, hooks: [...]}]}``.
    #: Kept raw: :mod:`corral.cmdhooks` reads it, and an entry it cannot run makes the tool
    #: calls it could match ask rather than stopping corral.
    hooks: Any = msgspec.field(default_factory=dict)
    #: Environment variables to set for tools the session runs.
    env: dict[str, str] = msgspec.field(default_factory=dict)
    #: The output style (Claude Code's ``outputStyle``): ``default``, ``Explanatory``,
    #: ``Learning`` or the name of a style file in ``.claude/output-styles/``.
    output_style: str | None = None
    status_line: StatusLineSettings | None = None
    #: Delete transcripts older than this many days at start-up (Claude Code's
    #: ``cleanupPeriodDays``); unset keeps every transcript.
    cleanup_period_days: int | None = None
    #: Plugin bundles switched on or off, ``{"name@marketplace": true}`` (Claude Code's
    #: ``enabledPlugins``); a bundle not named here follows its installed state.
    enabled_plugins: dict[str, bool] = msgspec.field(default_factory=dict)
    #: Marketplaces a settings file proposes (Claude Code's ``extraKnownMarketplaces``):
    #: ``{name: {"source": {"source": "github" | "git" | "directory", ...}}}``. Kept raw;
    #: :mod:`corral.bundles` reads it.
    extra_known_marketplaces: dict[str, Any] = msgspec.field(default_factory=dict)

    def plugin_settings(self, name: str) -> Any:
        """The validated settings of plugin ``name`` (its Struct, defaults filled in), or
        its raw table when the plugin registered no Struct."""
        return self.plugins.get(name, {})

    def resolve_model(self, name: str | None = None) -> str:
        """Map an alias (``sonnet``) to a model id; anything else passes through."""
        wanted = name or self.model
        return self.models.aliases.get(wanted, wanted)
