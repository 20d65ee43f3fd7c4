"""What a request cost, from a per-model price table (US dollars per million tokens)."""

from __future__ import annotations

import msgspec


class Price(msgspec.Struct, frozen=True):
    input: float
    output: float
    cache_write: float
    cache_read: float


#: Public list prices, by model-id prefix (longest prefix wins). Cache writes are the
#: five-minute kind.
PRICES: dict[str, Price] = {
    "claude-opus-4-8": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-7": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-6": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-5": Price(5.0, 25.0, 6.25, 0.5),
    "claude-opus-4-1": Price(15.0, 75.0, 18.75, 1.5),
    "claude-opus-4": Price(15.0, 75.0, 18.75, 1.5),
    "claude-sonnet-4": Price(3.0, 15.0, 3.75, 0.3),
    "claude-3-7-sonnet": Price(3.0, 15.0, 3.75, 0.3),
    "claude-3-5-sonnet": Price(3.0, 15.0, 3.75, 0.3),
    "claude-haiku-4": Price(1.0, 5.0, 1.25, 0.1),
    "claude-3-5-haiku": Price(0.8, 4.0, 1.0, 0.08),
    "claude-3-haiku": Price(0.25, 1.25, 0.3, 0.03),
}

#: Context window by model-id prefix; everything else gets the default.
CONTEXT_WINDOWS: dict[str, int] = {}
DEFAULT_CONTEXT_WINDOW = 200_000


def price_of(model: str, extra: dict[str, dict[str, float]] | None = None) -> Price | None:
    """The price of ``model``: the longest matching prefix, ``extra`` (from ``[models]
    prices``) before the built-in table."""
    table = dict(PRICES)
    for prefix, values in (extra or {}).items():
        table[prefix] = Price(
            values.get("input", 0.0), values.get("output", 0.0),
            values.get("cache_write", values.get("input", 0.0)),
            values.get("cache_read", values.get("input", 0.0)),
        )
    best = ""
    for prefix in table:
        if model.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return table[best] if best else None


def context_window(model: str, extra: dict[str, int] | None = None) -> int:
    """The context window of ``model``: the longest matching prefix, ``extra`` (from
    ``[models] context_windows``) before the built-in table."""
    table = {**CONTEXT_WINDOWS, **(extra or {})}
    best = ""
    for prefix in table:
        if model.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return table[best] if best else DEFAULT_CONTEXT_WINDOW


def cost_usd(
    model: str,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_creation_input_tokens: int = 0,
    cache_read_input_tokens: int = 0,
    extra: dict[str, dict[str, float]] | None = None,
) -> float | None:
    """The cost of one request, or ``None`` for a model with no known price."""
    price = price_of(model, extra)
    if price is None:
        return None
    total = (
        input_tokens * price.input
        + output_tokens * price.output
        + cache_creation_input_tokens * price.cache_write
        + cache_read_input_tokens * price.cache_read
    )
    return total / 1_000_000
