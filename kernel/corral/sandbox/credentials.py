"""What the sandbox keeps from shell commands: credential files and model credentials."""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Credential locations under the home directory, hidden from sandboxed commands.
HOME_CREDENTIALS: tuple[str, ...] = (
    ".ssh",
    ".aws",
    ".config/gcloud",
    ".azure",
    ".kube",
    ".docker/config.json",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".gnupg",
    ".git-credentials",
    ".config/gh/hosts.yml",
    ".pgpass",
    ".vault-token",
    ".password-store",
    ".local/share/keyrings",
    ".terraform.d/credentials.tfrc.json",
    # Claude Code's own login
    ".claude/.credentials.json",
    ".claude.json",
)

#: Environment variables holding model credentials. Shell commands never inherit them from
#: corral's own environment; a value the user sets on purpose in the configuration's ``env``
#: table still reaches them.
MODEL_CREDENTIALS: frozenset[str] = frozenset({
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_OAUTH_TOKEN",
    "OPENAI_API_KEY",
    "OPENAI_ORG_ID",
    "AZURE_OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "DEEPSEEK_API_KEY",
    "MOONSHOT_API_KEY",
    "OPENROUTER_API_KEY",
    "MISTRAL_API_KEY",
    "GROQ_API_KEY",
    "TOGETHER_API_KEY",
    "XAI_API_KEY",
    "DASHSCOPE_API_KEY",
    "ZHIPUAI_API_KEY",
    "MINIMAX_API_KEY",
    "AWS_BEARER_TOKEN_BEDROCK",
})


def credential_paths(home: str, claude_dir: str | None = None,
                     corral_dirs: tuple[str, ...] = ()) -> list[str]:
    """Absolute credential locations for ``home``, Claude Code's config dir and corral's
    user directories (their ``credentials*`` files)."""
    out = [os.path.join(home, rel) for rel in HOME_CREDENTIALS]
    if claude_dir:
        out.append(os.path.join(claude_dir, ".credentials.json"))
    for d in corral_dirs:
        out += [os.path.join(d, name) for name in ("credentials.json", "credentials.toml",
                                                   "credentials")]
    seen: list[str] = []
    for p in out:
        if p not in seen:
            seen.append(p)
    return seen


def scrub(env: Mapping[str, str], keep: Mapping[str, str] = {}) -> dict[str, str]:  # noqa: B006
    """``env`` without model credentials, then ``keep`` (the user's own ``env`` table) on
    top, so a key passed on purpose still arrives."""
    out = {k: v for k, v in env.items() if k not in MODEL_CREDENTIALS}
    out.update(keep)
    return out
