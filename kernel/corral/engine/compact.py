"""Compaction: keep the conversation inside the model's context window.

First old, large tool results are replaced by short placeholders (cheap, no model call). If
that is not enough, the model summarizes the conversation and the summary replaces it. A
plugin may veto or replace either through ``corral_compact``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corral.engine.pricing import context_window

if TYPE_CHECKING:
    from corral.config.schema import Config

#: Characters per token, for estimates only.
CHARS_PER_TOKEN = 4

SUMMARY_PROMPT = """\
Write a summary of the conversation so far that lets you continue the work without it.
Include: the user's requests and constraints in their own terms; decisions made and why;
files read or changed, with the important details; commands run and what they showed;
errors met and how they were solved; what remains to be done, and the very next step.
Be specific (names, paths, numbers). Write only the summary."""


def trigger_tokens(config: Config, model: str) -> int:
    """Input size at which compaction starts."""
    if config.engine.compact_trigger_tokens:
        return config.engine.compact_trigger_tokens
    window = context_window(model, config.models.context_windows)
    return window - min(config.models.max_output_tokens, 20_000) - 13_000


def elide_tool_results(
    messages: list[dict[str, Any]], min_chars: int, keep_last: int = 1
) -> tuple[list[dict[str, Any]], int]:
    """Replace large tool results outside the last ``keep_last`` user messages by a
    placeholder; return the new list and how many characters were removed."""
    user_indexes = [i for i, m in enumerate(messages) if m["role"] == "user"]
    protected = set(user_indexes[-keep_last:]) if keep_last else set()
    removed = 0
    out: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        content = message["content"]
        if index in protected or message["role"] != "user" or isinstance(content, str):
            out.append(message)
            continue
        new_content = []
        for block in content:
            if block.get("type") == "tool_result":
                size = _size(block.get("content"))
                if size > min_chars:
                    removed += size
                    block = {**block, "content": f"[old tool result elided: {size} characters]"}
            new_content.append(block)
        out.append({"role": message["role"], "content": new_content})
    return out, removed


def _size(content: Any) -> int:
    if isinstance(content, str):
        return len(content)
    if isinstance(content, list):
        return sum(len(str(b.get("text", ""))) for b in content if isinstance(b, dict))
    return 0


#: Output tokens the summary may take.
SUMMARY_MAX_TOKENS = 4096


def summary_messages(messages: list[dict[str, Any]], focus: str | None) -> list[dict[str, Any]]:
    """The conversation with the request for a summary as its last user turn."""
    history: list[dict[str, Any]] = summary_request(messages, "", focus)["messages"]
    return history


def summary_request(
    messages: list[dict[str, Any]], model: str, focus: str | None
) -> dict[str, Any]:
    instruction = SUMMARY_PROMPT + (f"\nPay particular attention to: {focus}" if focus else "")
    from corral.messages import with_text

    history = list(messages)
    if history and history[-1]["role"] == "user":
        history[-1] = {"role": "user", "content": with_text(history[-1]["content"], instruction)}
    else:
        history.append({"role": "user", "content": instruction})
    return {"model": model, "max_tokens": SUMMARY_MAX_TOKENS, "messages": history}


def replace_with_summary(
    messages: list[dict[str, Any]], summary: str
) -> list[dict[str, Any]]:
    """The summary as the first user message, followed by the still-open tool exchange
    (an assistant tool_use message and its results) so the conversation stays valid."""
    head = {
        "role": "user",
        "content": "This session was compacted. Summary of the conversation so far:\n\n"
        + summary,
    }
    tail: list[dict[str, Any]] = []
    if (
        len(messages) >= 2
        and messages[-1]["role"] == "user"
        and messages[-2]["role"] == "assistant"
        and any(b.get("type") == "tool_use" for b in messages[-2]["content"])
    ):
        tail = messages[-2:]
    return [head, *tail]


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    import json

    return len(json.dumps(messages)) // CHARS_PER_TOKEN
