"""A soul written by the model: asked once, when a model is configured, in a small request.

Any failure (no credentials, an error, an answer that is not the JSON we asked for) gives
``None``, and the caller falls back to the word-list soul. The user id is never sent: the
model sees only what the pet is.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

from corral_buddy.bones import Bones
from corral_buddy.errors import BadNameError
from corral_buddy.soul import Soul, check_name, make_soul

#: Seconds the request may take before the word lists take over.
TIMEOUT_S = 15.0
MAX_PERSONALITY = 120

PROMPT = """\
A small terminal companion pet has just hatched in a coding tool. It is a {rarity} {species}\
{shiny}. Its strongest trait is {peak} and its weakest is {dump}.
Invent its name (one or two words, at most 24 characters) and a one-line personality (at most
100 characters, playful, about how it behaves while its human writes code).
Answer with JSON only: {{"name": "...", "personality": "..."}}"""


def credentials_present() -> bool:
    return bool(os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN"))


def prompt_for(bones: Bones) -> str:
    return PROMPT.format(
        rarity=bones.rarity,
        species=bones.species,
        shiny=" (a rare shiny one)" if bones.shiny else "",
        peak=bones.peak,
        dump=bones.dump,
    )


def parse_soul(text: str) -> Soul | None:
    """The soul in a model answer, or ``None`` when the answer is not what we asked for."""
    match = re.search(r"\{.*\}", text, re.S)
    if not match:
        return None
    try:
        data: Any = json.loads(match.group(0))
        name = check_name(str(data["name"]))
        personality = " ".join(str(data["personality"]).split())
    except (ValueError, KeyError, TypeError, BadNameError):
        return None
    if not personality or len(personality) > MAX_PERSONALITY:
        return None
    return Soul(name=name, personality=personality, origin="model", created_at=time.time())


async def ask_model(config: Any, bones: Bones) -> Soul | None:
    """One small non-streaming request through the kernel's configured client."""
    if not credentials_present():
        return None
    import asyncio

    from corral.api import make_client

    try:
        client = make_client(config)
    except Exception:
        return None
    try:
        response = await asyncio.wait_for(
            client.messages.create(
                model=config.resolve_model("haiku"),
                max_tokens=200,
                messages=[{"role": "user", "content": prompt_for(bones)}],
            ),
            TIMEOUT_S,
        )
    except Exception:
        return None
    finally:
        await client.close()
    text = "".join(getattr(b, "text", "") for b in response.content)
    return parse_soul(text)


async def name_by_model(session: Any) -> Soul | None:
    """At the start of an interactive session, let the model name a pet that has no soul
    yet; the status area picks the new soul up at once."""
    from corral_buddy.bones import roll
    from corral_buddy.identity import buddy_dir, resolve_user_id
    from corral_buddy.profile import Profile
    from corral_buddy.runtime import state_for
    from corral_buddy.settings import settings_from
    from corral_buddy.soul import SoulStore

    settings = settings_from(session.config)
    if session.headless or not settings.soul_from_model or not credentials_present():
        return None
    base = buddy_dir()
    bones = roll(resolve_user_id(settings, base))
    store = SoulStore(base)
    if store.load(bones.seed) is not None:
        return None  # the soul is made once
    soul = await ask_model(session.config, bones)
    if soul is None:
        return None
    current = store.load(bones.seed)
    words = make_soul(bones)
    if current is not None and (current.name, current.personality) != (
        words.name,
        words.personality,
    ):
        return None  # renamed while the model was thinking: the user's choice stands
    store.save(bones.seed, soul)
    state_for(session).profile = Profile(bones=bones, soul=soul)
    return soul
