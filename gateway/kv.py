"""The gateway's small shared key-value store: WeChat dedupe marks, rate-limit counters, cached access
tokens and locks. Redis when `REDIS_URL` is set (shared by every gateway replica), else process memory
(one gateway process: fine for `make run`, not for several replicas)."""

from __future__ import annotations

import abc
import asyncio
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Optional, Tuple

import redis.asyncio as aioredis
from redis.exceptions import RedisError

PREFIX = "gateway:"

KVError = RedisError  # what a store raises when its backend fails; callers decide to fail open or closed


class KeyValueStore(abc.ABC):
    """Async string store with per-key expiry. Every key gets the `gateway:` prefix."""

    @abc.abstractmethod
    async def get(self, key: str) -> Optional[str]: ...

    @abc.abstractmethod
    async def set(self, key: str, value: str, ttl: float) -> None: ...

    @abc.abstractmethod
    async def add(self, key: str, value: str, ttl: float) -> bool:
        """Sets the key only if it is absent; True when this call set it."""

    @abc.abstractmethod
    async def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    async def incr(self, key: str, ttl: float) -> int:
        """Adds one; the expiry starts with the first increment (a fixed window)."""

    @abc.abstractmethod
    def lock(self, name: str, ttl: float, wait: float):
        """Async context manager yielding True when this caller holds the lock (False: gave up waiting).
        `ttl` bounds how long a crashed holder can keep it."""

    async def ping(self) -> None:
        """Raises when the backend does not answer."""
        return None

    async def close(self) -> None:
        return None


class MemoryStore(KeyValueStore):
    def __init__(self, max_keys: int = 100_000) -> None:
        self._data: Dict[str, Tuple[str, float]] = {}
        self._locks: Dict[str, asyncio.Lock] = {}
        self._max_keys = max_keys

    def _live(self, key: str) -> Optional[str]:
        found = self._data.get(key)
        if found is None:
            return None
        value, expires = found
        if expires <= time.monotonic():
            del self._data[key]
            return None
        return value

    def _put(self, key: str, value: str, ttl: float) -> None:
        if len(self._data) >= self._max_keys:
            now = time.monotonic()
            for old in [k for k, (_, exp) in self._data.items() if exp <= now]:
                del self._data[old]
            while len(self._data) >= self._max_keys:
                del self._data[next(iter(self._data))]
        self._data[key] = (value, time.monotonic() + ttl)

    async def get(self, key: str) -> Optional[str]:
        return self._live(PREFIX + key)

    async def set(self, key: str, value: str, ttl: float) -> None:
        self._put(PREFIX + key, value, ttl)

    async def add(self, key: str, value: str, ttl: float) -> bool:
        if self._live(PREFIX + key) is not None:
            return False
        self._put(PREFIX + key, value, ttl)
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(PREFIX + key, None)

    async def incr(self, key: str, ttl: float) -> int:
        full = PREFIX + key
        current = self._live(full)
        if current is None:
            self._put(full, "1", ttl)
            return 1
        value = int(current) + 1
        self._data[full] = (str(value), self._data[full][1])
        return value

    @asynccontextmanager
    async def lock(self, name: str, ttl: float, wait: float) -> AsyncIterator[bool]:
        lock = self._locks.setdefault(name, asyncio.Lock())
        try:
            await asyncio.wait_for(lock.acquire(), timeout=wait)
        except asyncio.TimeoutError:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()


_INCR_WITH_EXPIRY = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class RedisStore(KeyValueStore):
    def __init__(self, url: str, socket_timeout: float = 2.0) -> None:
        self._client = aioredis.Redis.from_url(
            url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout, decode_responses=True
        )
        self._incr = self._client.register_script(_INCR_WITH_EXPIRY)

    async def get(self, key: str) -> Optional[str]:
        return await self._client.get(PREFIX + key)

    async def set(self, key: str, value: str, ttl: float) -> None:
        await self._client.set(PREFIX + key, value, px=max(1, int(ttl * 1000)))

    async def add(self, key: str, value: str, ttl: float) -> bool:
        return bool(await self._client.set(PREFIX + key, value, px=max(1, int(ttl * 1000)), nx=True))

    async def delete(self, key: str) -> None:
        await self._client.delete(PREFIX + key)

    async def incr(self, key: str, ttl: float) -> int:
        return int(await self._incr(keys=[PREFIX + key], args=[max(1, int(ttl * 1000))]))

    @asynccontextmanager
    async def lock(self, name: str, ttl: float, wait: float) -> AsyncIterator[bool]:
        lock = self._client.lock(PREFIX + "lock:" + name, timeout=ttl, blocking_timeout=wait, sleep=0.05)
        held = await lock.acquire()
        try:
            yield bool(held)
        finally:
            if held:
                try:
                    await lock.release()
                except RedisError:  # expired meanwhile: another holder may have it now; nothing to undo
                    pass

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        await self._client.close()


def open_store(redis_url: Optional[str]) -> KeyValueStore:
    return RedisStore(redis_url) if redis_url else MemoryStore()


__all__ = ["KeyValueStore", "MemoryStore", "RedisStore", "open_store", "KVError"]
