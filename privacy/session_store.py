"""Short-lived private values per conversation (sender): Redis when configured, else a SQLite file
that the gateway and the action server on one machine share.

Fields in use: `identity_token` (set by the gateway from the channel's Authorization header) and the
raw values of form fields that the conversation record only keeps masked (e.g. `phone`)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Optional

IDENTITY_TOKEN = "identity_token"


class PrivateSessionStore:
    def __init__(
        self, redis_url: Optional[str], sqlite_path: Path, ttl_seconds: int = 1800, key_prefix: str = "zwbot:private:"
    ) -> None:
        self.ttl = ttl_seconds
        self.prefix = key_prefix
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=5, decode_responses=True)
        else:
            sqlite_path = Path(sqlite_path)
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            self._path = str(sqlite_path)
            self._lock = threading.Lock()
            with self._connect() as conn:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS private_values (sender TEXT, field TEXT, value TEXT, "
                    "expires REAL, PRIMARY KEY (sender, field))"
                )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def set(self, sender: str, field: str, value: str) -> None:
        if self._redis is not None:
            key = self.prefix + sender
            with self._redis.pipeline() as pipe:
                pipe.hset(key, field, value)
                pipe.expire(key, self.ttl)
                pipe.execute()
            return
        with self._lock, self._connect() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO private_values VALUES (?, ?, ?, ?)",
                (sender, field, value, time.time() + self.ttl),
            )
            conn.execute("DELETE FROM private_values WHERE expires < ?", (time.time(),))

    def get(self, sender: str, field: str) -> Optional[str]:
        if self._redis is not None:
            return self._redis.hget(self.prefix + sender, field)
        with self._lock, self._connect() as conn:
            row = conn.execute(
                "SELECT value FROM private_values WHERE sender = ? AND field = ? AND expires >= ?",
                (sender, field, time.time()),
            ).fetchone()
        return row[0] if row else None

    def clear(self, sender: str, field: Optional[str] = None) -> None:
        if self._redis is not None:
            if field:
                self._redis.hdel(self.prefix + sender, field)
            else:
                self._redis.delete(self.prefix + sender)
            return
        with self._lock, self._connect() as conn:
            if field:
                conn.execute("DELETE FROM private_values WHERE sender = ? AND field = ?", (sender, field))
            else:
                conn.execute("DELETE FROM private_values WHERE sender = ?", (sender,))
