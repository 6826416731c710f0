"""Shared resources of the action server, opened on first use (never at import time)."""

from __future__ import annotations

import functools

from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from settings import get_settings


@functools.lru_cache(maxsize=1)
def knowledge_store() -> KnowledgeStore:
    return KnowledgeStore(get_settings().database)


@functools.lru_cache(maxsize=1)
def searcher() -> KnowledgeSearcher:
    return KnowledgeSearcher(get_settings().index_dir)
