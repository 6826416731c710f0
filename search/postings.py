"""A term's postings in one index segment as arrays (document numbers, weights), decoded once and cached.

Whoosh 2.7's W3 codec stores postings in compressed blocks of up to 128; walking them one posting at a
time through its matcher costs microseconds per posting in Python. Here a whole block is decoded at once
(the matcher's block arrays) and the lists are kept as numpy arrays in a per-process LRU cache with a
budget counted in postings, so a query's scoring is a few vectorised operations per (term, field).
Segments never change once written (only their deletions do, and those are applied at read time), and
segment ids are random, so the cache never serves stale postings.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Tuple

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

CACHE_BUDGET = 4_000_000  # postings (8 bytes each): ~32 MB per process
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


class PostingsCache:
    """(segment id, field, term) → (local ids, weights), least recently used out beyond the budget."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self._entries: "OrderedDict[tuple, tuple]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: tuple) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self.size += len(entry[0]) + 1
            while self.size > self.budget and len(self._entries) > 1:
                _, (ids, _) = self._entries.popitem(last=False)
                self.size -= len(ids) + 1

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


cache = PostingsCache(CACHE_BUDGET)


def _decode(matcher) -> Tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_read_weights"):
        while matcher.is_active():  # Whoosh 2.7 W3 block matcher: one decoded block at a time
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    else:  # any other matcher: one posting at a time
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)


def _deleted(leaf) -> frozenset:
    """The segment's deleted document numbers (a cached property in whoosh-reloaded, read from the
    per-document file in Whoosh 2.7.4)."""
    deleted = getattr(leaf, "deleted_docs_set", None)
    if deleted is None:
        deleted = frozenset(leaf._perdoc.deleted_docs()) if leaf.has_deletions() else frozenset()
    return deleted


def segment_postings(leaf, fieldname: str, text: str) -> Tuple[np.ndarray, np.ndarray]:
    """Sorted local document numbers of the live (not deleted) documents holding the term, and the
    term's weights in them, for one segment reader."""
    key = (leaf.segment().segment_id(), fieldname, text)
    entry = cache.get(key)
    if entry is None:
        if (fieldname, text) not in leaf:
            entry = _EMPTY  # remembered too: absent from this segment for good
        else:
            matcher = leaf.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # deletions are applied below, so the cached lists stay valid
            entry = _decode(matcher)
        cache.put(key, entry)
    if not len(entry[0]):
        return entry
    deleted = _deleted(leaf)
    if deleted:
        ids, weights = entry
        keep = ~np.isin(ids, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        return ids[keep], weights[keep]
    return entry
