"""The welcome every channel shows first (H5 page, WeChat subscribe, mini-program session): the profile's
greeting (profile.yml `greeting`; a generic sentence with the platform's name when the profile has none)
and this week's 热门问题 as question buttons (knowledge/hot_questions.py: the entries answered most in the
last 7 days, topped up with the 高频事项), all drawn from the knowledge base. The chat greeting (你好) shows
the same questions (actions/dialogue/greeting.py).

The profile is the one loaded into the store (meta "profile": knowledge.schema.Regions as JSON); it is
parsed once per wording.PROFILE_SECONDS per store, not on every request (gateway/channels/wording.py)."""

from __future__ import annotations

import time
from typing import Dict, List

from gateway.channels.messages import buttons_text
from gateway.channels.wording import _key, channel_text, profile
from knowledge import hot_questions as hot
from knowledge.placeholders import profile_values
from knowledge.store import KnowledgeStore

CACHE_SECONDS = 300.0
ELDER_FEATURES = ("high_contrast", "read_aloud")  # profile.yml elder_mode: what the H5 page's 长辈模式 adds

_cache: Dict[str, tuple] = {}


def platform_name(store: KnowledgeStore) -> str:
    return str(profile(store).get("platform") or "")


def greeting(store: KnowledgeStore) -> str:
    """The profile's greeting; without one, the generic sentence with the platform's name."""
    loaded = profile(store)
    return str(loaded.get("greeting") or "").strip() or channel_text("utter_welcome_generic", store)


def page_profile(store: KnowledgeStore) -> Dict:
    """What the H5 page shows from the profile: platform, app, hotline, and the 长辈模式 features it turns on."""
    loaded = profile(store)
    values = profile_values(loaded)
    elder = loaded.get("elder_mode") if isinstance(loaded.get("elder_mode"), dict) else {}
    return {
        "platform": values["platform"],
        "app_name": values["app_name"] if values["platform"] else "",
        "hotline": values["hotline"],
        "hotline_name": values["hotline_name"],
        "elder_mode": {name: bool(elder.get(name)) for name in ELDER_FEATURES},
    }


def hot_questions(store: KnowledgeStore, limit: int = hot.LIMIT) -> List[str]:
    """This week's 热门问题 as citizens ask them."""
    return [q.text for q in hot.hot_questions(store, limit=limit)]


def welcome_messages(store: KnowledgeStore) -> List[Dict]:
    """The contract's message shapes (each with its plain text); cached for a few minutes per store."""
    key = _key(store)
    cached = _cache.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    messages: List[Dict] = [{"type": "text", "text": greeting(store)}]
    buttons = [{"title": q, "payload": q} for q in hot_questions(store)]
    if buttons:
        messages.append(
            {
                "type": "buttons",
                "text": buttons_text(channel_text("utter_welcome_hot_prompt", store), buttons),
                "buttons": buttons,
            }
        )
    _cache[key] = (time.monotonic() + CACHE_SECONDS, messages)
    return messages
