"""Shared resources of the action server, opened on first use (never at import time)."""

from __future__ import annotations

import functools
from typing import Any, Dict, Optional

from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from search.semantic import open_channel
from settings import get_settings

# How long the action server reuses a read of the knowledge base's change number and profile: one turn asks
# for them a dozen times (each text rendered, each item name looked up); a publish or a reload made by the
# gateway or `make load` is seen within this, well inside the 5 s a publish has to be answered in.
KB_REREAD_SECONDS = 1.0


@functools.lru_cache(maxsize=1)
def knowledge_store() -> KnowledgeStore:
    return KnowledgeStore(get_settings().database)


def published(entry: Optional[Dict[str, Any]]) -> bool:
    """Whether a stored entry may be shown (an entry stored without a status is a published one)."""
    return bool(entry) and entry.get("status", "published") == "published"


def published_entry(kind: str, entry_id: str) -> Optional[Dict[str, Any]]:
    """The entry if it exists and is published, else None."""
    entry = knowledge_store().get(kind, entry_id)
    return entry if published(entry) else None


@functools.lru_cache(maxsize=1)
def searcher() -> KnowledgeSearcher:
    settings = get_settings()
    channel = open_channel(settings.vectors_path, settings.semantic_search, settings.semantic_threads)
    return KnowledgeSearcher(settings.index_dir, channel)
