"""The model's part of a dream: pairs to merge or settle, moments to turn into entries.

Work goes out in batches of at most ``batch_tokens`` (estimated) under a total budget;
what does not fit is deferred to a later dream. Any failure raises
:class:`~corral_dream.errors.DreamModelError` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import msgspec
from corral.api import MemoryEntry, MemoryType

from corral_dream import _prompts
from corral_dream._text import estimate_tokens
from corral_dream.errors import DreamModelError
from corral_dream.material import Moment

if TYPE_CHECKING:
    from corral.api import Config

    from corral_dream.settings import Settings

T = TypeVar("T")
R = TypeVar("R", bound=msgspec.Struct)


class PairVerdict(msgspec.Struct, frozen=True, kw_only=True):
    pair: int
    verdict: Literal["same", "conflict", "distinct"]
    text: str | None = None
    keep: str | None = None


class PairReply(msgspec.Struct, frozen=True, kw_only=True):
    pairs: list[PairVerdict]


class NewEntry(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    type: MemoryType = "project"
    tags: list[str] = msgspec.field(default_factory=list)
    importance: int = 3
    files: list[str] = msgspec.field(default_factory=list)


class SynthReply(msgspec.Struct, frozen=True, kw_only=True):
    entries: list[NewEntry]


class Judge:
    """Calls the model with the dream's prompts and keeps count of tokens and cost."""

    def __init__(self, client: Any, model: str, *, budget: int, batch_tokens: int,
                 max_output_tokens: int, prices: dict[str, dict[str, float]] | None = None,
                 progress: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.model = model
        self.budget = budget
        self.batch_tokens = batch_tokens
        self.max_output_tokens = max_output_tokens
        self.prices = prices
        self.progress = progress or (lambda _m: None)
        self.calls = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.cost_usd: float | None = None
        self.deferred = 0
        self._spent = 0

    def has_room(self, tokens: int) -> bool:
        """Whether ``tokens`` (estimated input) still fit in the dream's budget."""
        return self._spent + tokens <= self.budget

    def spend(self, *, calls: int, input_tokens: int, output_tokens: int,
              cost_usd: float | None) -> None:
        """Count model use made outside :meth:`ask` (the re-check sub-session)."""
        self.calls += calls
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self._spent += input_tokens
        if cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost_usd

    def batches(self, items: Sequence[T], render: Callable[[T], str],
                system: str) -> list[list[T]]:
        """Pack items into batches under ``batch_tokens``, stopping at the total budget."""
        fixed = estimate_tokens(system)
        out: list[list[T]] = []
        current: list[T] = []
        size = fixed
        for number, item in enumerate(items):
            cost = estimate_tokens(render(item))
            if self._spent + size + cost > self.budget:
                self.deferred += len(items) - number
                break
            if current and size + cost > self.batch_tokens:
                out.append(current)
                self._spent += size
                current, size = [], fixed
            current.append(item)
            size += cost
        if current:
            out.append(current)
            self._spent += size
        return out

    async def ask(self, system: str, user: str, reply_type: type[R], what: str) -> R:
        from corral.api import as_api_error

        try:
            message = await self.client.messages.create(
                model=self.model, max_tokens=self.max_output_tokens, system=system,
                messages=[{"role": "user", "content": user}],
            )
        except Exception as exc:
            if as_api_error(exc) is None:
                raise
            raise DreamModelError(f"dream: the model call for {what} failed ({exc}); memory "
                                  "is unchanged; run `corral dream` again later") from None
        self.calls += 1
        self._count(message.usage)
        text = "".join(getattr(b, "text", "") for b in message.content)
        return _decode(text, reply_type, what)

    def _count(self, usage: Any) -> None:
        from corral.api import cost_usd

        tokens_in = int(getattr(usage, "input_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "output_tokens", 0) or 0)
        self.input_tokens += tokens_in
        self.output_tokens += tokens_out
        cost = cost_usd(self.model, input_tokens=tokens_in, output_tokens=tokens_out,
                        extra=self.prices)
        if cost is not None:
            self.cost_usd = (self.cost_usd or 0.0) + cost

    async def judge_pairs(
        self, pairs: Sequence[tuple[MemoryEntry, MemoryEntry]]
    ) -> list[tuple[MemoryEntry, MemoryEntry, PairVerdict]]:
        out: list[tuple[MemoryEntry, MemoryEntry, PairVerdict]] = []
        for number, batch in enumerate(self.batches(pairs, _render_pair,
                                                    _prompts.PAIRS_SYSTEM), start=1):
            self.progress(f"merge: asking the model about {len(batch)} pairs "
                          f"(batch {number})")
            body = "\n".join(_render_pair(p, i) for i, p in enumerate(batch, start=1))
            reply = await self.ask(_prompts.PAIRS_SYSTEM, body, PairReply, "merge/contradiction")
            by_number = {v.pair: v for v in reply.pairs}
            for i, (a, b) in enumerate(batch, start=1):
                verdict = by_number.get(i)
                if verdict is not None:
                    _check_verdict(verdict, a, b)
                    out.append((a, b, verdict))
        return out

    async def synthesize(self, moments: Sequence[Moment]) -> list[NewEntry]:
        out: list[NewEntry] = []
        for number, batch in enumerate(self.batches(moments, _render_moment,
                                                    _prompts.SYNTH_SYSTEM), start=1):
            self.progress(f"synthesize: asking the model about {len(batch)} moments "
                          f"(batch {number})")
            body = "\n".join(_render_moment(m) for m in batch)
            reply = await self.ask(_prompts.SYNTH_SYSTEM, body, SynthReply, "synthesis")
            out.extend(reply.entries)
        return out


def _render_entry(entry: MemoryEntry) -> str:
    return (f'<entry id="{entry.id}" type="{entry.type}" '
            f'updated="{entry.updated.date().isoformat()}">{entry.text}</entry>')


def _render_pair(pair: tuple[MemoryEntry, MemoryEntry], number: int = 0) -> str:
    a, b = pair
    return f'<pair n="{number}">\n{_render_entry(a)}\n{_render_entry(b)}\n</pair>'


def _render_moment(moment: Moment) -> str:
    context = f"\n<assistant_before>{moment.context}</assistant_before>" if moment.context else ""
    return f'<moment source="{moment.source}">{context}\n<user>{moment.text}</user>\n</moment>'


def _decode(text: str, reply_type: type[R], what: str) -> R:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise DreamModelError(f"dream: the model's answer for {what} holds no JSON object "
                              f"({text[:80]!r}); memory is unchanged")
    try:
        return msgspec.json.decode(text[start : end + 1], type=reply_type)
    except msgspec.ValidationError as exc:
        raise DreamModelError(f"dream: the model's answer for {what} is not in the asked "
                              f"shape ({exc}); memory is unchanged") from None
    except msgspec.DecodeError as exc:
        raise DreamModelError(f"dream: the model's answer for {what} is not valid JSON "
                              f"({exc}); memory is unchanged") from None


def _check_verdict(verdict: PairVerdict, a: MemoryEntry, b: MemoryEntry) -> None:
    if verdict.verdict == "same" and not (verdict.text or "").strip():
        raise DreamModelError(f"dream: the model merged {a.id} and {b.id} without giving the "
                              "merged text; memory is unchanged")
    if verdict.verdict == "conflict" and verdict.keep not in (a.id, b.id):
        raise DreamModelError(f"dream: the model settled {a.id} / {b.id} by keeping "
                              f"{verdict.keep!r}, which is neither; memory is unchanged")


def make_judge(config: Config, settings: Settings,
               progress: Callable[[str], None]) -> Judge | None:
    """A judge on the configured model, or ``None`` when no credentials are set."""
    from corral.api import NoCredentials, make_client

    try:
        client = make_client(config)
    except NoCredentials:
        return None
    return Judge(client, config.resolve_model(settings.model), budget=settings.token_budget,
                 batch_tokens=settings.batch_tokens,
                 max_output_tokens=settings.max_output_tokens,
                 prices=config.models.prices, progress=progress)
