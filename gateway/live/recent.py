"""The last turns of each conversation (masked), kept in the gateway's key-value store for a day, so that
an agent who takes the conversation sees what the citizen asked and what the bot answered and offered."""

from __future__ import annotations

import json
from typing import Dict, List

from gateway.kv import KeyValueStore
from privacy import mask_text

KEEP_TURNS = 12
KEEP_SECONDS = 24 * 3600
MAX_CHARS = 600


def _key(sender_id: str) -> str:
    return f"live:recent:{sender_id}"


async def remember(
    kv: KeyValueStore, sender_id: str, question: str, answer: str, sources: List[Dict], turns: List[Dict]
) -> None:
    """Adds the turn to `turns` (what `recall` gave for this sender this turn) and keeps the last ones."""
    turns = turns + [
        {
            "question": mask_text(question)[:MAX_CHARS],
            "answer": mask_text(answer)[:MAX_CHARS],
            "sources": [{"type": s["type"], "id": s["id"], "title": s.get("title", "")} for s in sources][:5],
        }
    ]
    await kv.set(_key(sender_id), json.dumps(turns[-KEEP_TURNS:], ensure_ascii=False), ttl=KEEP_SECONDS)


async def recall(kv: KeyValueStore, sender_id: str) -> List[Dict]:
    raw = await kv.get(_key(sender_id))
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def offered(turns: List[Dict]) -> List[Dict]:
    """The entries the bot offered, most recent first, each once."""
    seen, found = set(), []
    for turn in reversed(turns):
        for source in turn.get("sources") or []:
            key = (source.get("type"), source.get("id"))
            if key not in seen:
                seen.add(key)
                found.append(source)
    return found
