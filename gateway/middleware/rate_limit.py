"""Per-user message rate limit (fixed window) kept in the key-value store: Redis, so every gateway
replica counts together, or memory when no REDIS_URL is set. A failing store lets messages through."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Optional

from gateway.kv import KeyValueStore, KVError

logger = logging.getLogger(__name__)


@dataclass
class RateDecision:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends, when refused


class RateLimiter:
    def __init__(self, kv: KeyValueStore, limit: int, window_seconds: int) -> None:
        self.kv = kv
        self.limit = limit
        self.window = max(1, int(window_seconds))

    async def hit(self, user_key: str, now: Optional[float] = None) -> RateDecision:
        if self.limit <= 0:
            return RateDecision(True)
        now = time.time() if now is None else now
        window_index = int(now // self.window)
        try:
            count = await self.kv.incr(f"rate:{user_key}:{window_index}", ttl=self.window + 1)
        except (KVError, OSError) as exc:
            logger.warning("rate limit store unavailable, letting the message through: %s", exc)
            return RateDecision(True)
        if count <= self.limit:
            return RateDecision(True)
        return RateDecision(False, max(1, math.ceil((window_index + 1) * self.window - now)))
