"""The welcome every channel shows first (H5 page, WeChat subscribe, mini-program session): a greeting
with the platform's name and this week's 热门问题 as question buttons (knowledge/hot_questions.py: the
entries answered most in the last 7 days, topped up with the 高频事项), all drawn from the knowledge base.
The chat greeting (你好) shows the same questions (actions/dialogue/greeting.py)."""

from __future__ import annotations

import json
import time
from typing import Dict, List

from gateway.channels.messages import buttons_text
from knowledge import hot_questions as hot
from knowledge.store import KnowledgeStore

GREETING = (
    "您好！我是{platform}政务服务智能客服，可以帮您查办事指南、找服务、答疑解惑。"
    "请直接说出您要办的事，比如“身份证丢了怎么补办”。"
)
HOT_PROMPT = "大家都在问："
CACHE_SECONDS = 300.0

_cache: Dict[str, tuple] = {}


def platform_name(store: KnowledgeStore) -> str:
    raw = store.get_meta("profile")
    try:
        return (json.loads(raw) if raw else {}).get("platform") or ""
    except ValueError:
        return ""


def hot_questions(store: KnowledgeStore, limit: int = hot.LIMIT) -> List[str]:
    """This week's 热门问题 as citizens ask them."""
    return [q.text for q in hot.hot_questions(store, limit=limit)]


def welcome_messages(store: KnowledgeStore) -> List[Dict]:
    """The contract's message shapes (each with its plain text); cached for a few minutes per store."""
    key = str(store.url) if hasattr(store, "url") else str(id(store))
    cached = _cache.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    platform = platform_name(store)
    messages: List[Dict] = [{"type": "text", "text": GREETING.format(platform=platform)}]
    buttons = [{"title": q, "payload": q} for q in hot_questions(store)]
    if buttons:
        messages.append({"type": "buttons", "text": buttons_text(HOT_PROMPT, buttons), "buttons": buttons})
    _cache[key] = (time.monotonic() + CACHE_SECONDS, messages)
    return messages
