"""What the gateway's channels say themselves (WeChat menu and help, the welcome, "the bot is unavailable"):
responses of the domain like everything the bot says (knowledge/responses.py, bot/domain/channels.yml),
filled with the loaded profile's values (platform, app, hotline). The profile is the one in the store (meta
"profile": knowledge.schema.Regions as JSON), parsed once per PROFILE_SECONDS per store."""

from __future__ import annotations

import time
from typing import Any, Dict

from knowledge.placeholders import profile_values
from knowledge.responses import render
from knowledge.store import KnowledgeStore

PROFILE_SECONDS = 30.0

_profiles: Dict[str, tuple] = {}


def _key(store: KnowledgeStore) -> str:
    return str(store.url) if hasattr(store, "url") else str(id(store))


def profile(store: KnowledgeStore) -> Dict:
    """The loaded profile as stored (a dict; empty when none is loaded or it cannot be read), cached briefly."""
    key = _key(store)
    cached = _profiles.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    value = store.loaded_profile()
    _profiles[key] = (time.monotonic() + PROFILE_SECONDS, value)
    return value


def channel_text(name: str, store: KnowledgeStore, elder: bool = False, **values: Any) -> str:
    """The response `name` with the profile's values (generic ones when no profile is loaded)."""
    return render(name, {**profile_values(profile(store)), **values}, elder)
