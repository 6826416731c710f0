"""Dedupe of WeChat's retries: WeChat sends a message again (up to three times) when it gets no reply in
5 seconds. The first delivery claims the message's key; it then records how it was answered (the passive
reply itself, or that the answer goes through the customer-service API), so a retry returns the same
passive reply or `success` — one question, one answer. In the key-value store: Redis across replicas."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Dict, Optional

from gateway.kv import KeyValueStore, KVError

logger = logging.getLogger(__name__)

PENDING = "pending"
REPLIED = "reply"  # the passive reply content is stored
PUSHED = "pushed"  # the answer goes (or went) through the customer-service API
NOTHING = "none"  # nothing to say (events that need no answer)
KEEP_SECONDS = 600.0  # WeChat's retries come within ~15 s; keep the record well beyond that
POLL_SECONDS = 0.05


class ReplyLedger:
    def __init__(self, kv: KeyValueStore, scope: str) -> None:
        self.kv = kv
        self.scope = scope  # channel + appid: two accounts never share keys

    def _key(self, message_key: str) -> str:
        return f"wechat:seen:{self.scope}:{message_key}"

    async def claim(self, message_key: str) -> bool:
        """True for the first delivery. A failing store answers True: better a rare double answer than none."""
        try:
            return await self.kv.add(self._key(message_key), json.dumps({"state": PENDING}), KEEP_SECONDS)
        except (KVError, OSError) as exc:
            logger.warning("dedupe store unavailable, answering without dedupe: %s", exc)
            return True

    async def record(self, message_key: str, state: str, content: Optional[str] = None) -> None:
        try:
            await self.kv.set(
                self._key(message_key),
                json.dumps({"state": state, "content": content}, ensure_ascii=False),
                KEEP_SECONDS,
            )
        except (KVError, OSError) as exc:
            logger.warning("dedupe store unavailable, outcome not recorded: %s", exc)

    async def outcome(self, message_key: str, wait: float) -> Optional[Dict]:
        """The first delivery's outcome once known, waiting up to `wait` seconds; None if still pending."""
        deadline = time.monotonic() + wait
        while True:
            try:
                raw = await self.kv.get(self._key(message_key))
            except (KVError, OSError):
                return None
            entry = json.loads(raw) if raw else None
            if entry and entry.get("state") != PENDING:
                return entry
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(POLL_SECONDS)
