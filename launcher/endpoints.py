"""Writes the Rasa endpoints file from the settings: embedded stores, or Redis when REDIS_URL is set.
Either way the tracker store masks personal numbers (rasa_server/tracker_store.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

TRACKER_DB_OFFSET = 0  # the tracker store uses the REDIS_URL database …
LOCK_DB_OFFSET = 1  # … and the lock store the next one, as Rasa's own defaults do


MASKING_IN_MEMORY = "rasa_server.tracker_store.MaskingInMemoryTrackerStore"
MASKING_REDIS = "rasa_server.tracker_store.MaskingRedisTrackerStore"
ATOMIC_REDIS_LOCK = "rasa_server.lock_store.AtomicRedisLockStore"  # safe with several Rasa servers


def render_endpoints(settings) -> dict:
    config: dict = {"action_endpoint": {"url": settings.action_endpoint}, "tracker_store": {"type": MASKING_IN_MEMORY}}
    redis = settings.redis_parts()
    if redis:
        common = {"url": redis["host"], "port": redis["port"], "use_ssl": redis["use_ssl"], "key_prefix": "zwbot"}
        if redis["password"]:
            common["password"] = redis["password"]
        config["tracker_store"] = {
            "type": MASKING_REDIS,
            "db": redis["db"] + TRACKER_DB_OFFSET,
            "record_exp": settings.tracker_expiry_seconds,
            **common,
        }
        config["lock_store"] = {
            "type": ATOMIC_REDIS_LOCK,
            "db": redis["db"] + LOCK_DB_OFFSET,
            "socket_timeout": 10,
            **common,
        }
    return config


def write_endpoints(settings, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(render_endpoints(settings), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
