"""Remembers the button payloads last sent to each sender, so that only those may reach Rasa as intent
commands (`/intent{...}`); anything else a citizen types is plain text. Kept in the gateway's key-value
store (gateway/kv.py): in Redis when REDIS_URL is set, so a click answered by another gateway worker than
the one that sent the buttons is still recognised."""

from __future__ import annotations

import json
import logging
from typing import Iterable

from gateway.kv import KeyValueStore, KVError

logger = logging.getLogger(__name__)

KEY = "buttons:{sender}"
TTL_SECONDS = 24 * 3600.0


class ButtonMemory:
    def __init__(self, kv: KeyValueStore, ttl: float = TTL_SECONDS) -> None:
        self.kv = kv
        self.ttl = ttl

    async def remember(self, sender: str, payloads: Iterable[str]) -> None:
        """The payloads of the latest reply replace earlier ones (a reply without buttons clears them)."""
        commands = sorted({p for p in payloads if p.startswith("/")})
        key = KEY.format(sender=sender)
        try:
            if commands:
                await self.kv.set(key, json.dumps(commands, ensure_ascii=False), self.ttl)
            else:
                await self.kv.delete(key)
        except (KVError, OSError) as exc:  # the store is down: the buttons then count as typed text
            logger.warning("button payloads not stored: %s", exc)

    async def is_sent_payload(self, sender: str, text: str) -> bool:
        if not text.startswith("/"):
            return False
        try:
            stored = await self.kv.get(KEY.format(sender=sender))
        except (KVError, OSError) as exc:  # fail safe: an unverified "/" text stays plain text, never a command
            logger.warning("button payloads not readable: %s", exc)
            return False
        return stored is not None and text in json.loads(stored)
