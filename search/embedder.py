"""Computes the vectors the live index still lacks, newest segments first, in small batches.

A publish lands in a new small segment (an incremental commit, search/sync.py): it is embedded at the next
round, ahead of any backlog a bulk import left in older segments, so a published entry is answered by
meaning within seconds while a large import is still being embedded. A segment once fully embedded is not
looked at again by this process.

Run by the gateway in a background thread (`EmbeddingLoop`, the node's one writer of the index also fills
its vectors), or at once by `python -m search embed` (what `make index` does after a build).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, List, Optional, Set

from whoosh import index as whoosh_index

from search.embedding import Encoder
from search.layout import current_generation
from search.semantic import segment_phrasings
from search.vectors import VectorStore, vector_key

logger = logging.getLogger(__name__)

BATCH = 8  # small: a citizen's query waits for the batch in progress (about 10 ms a phrasing)


class Embedder:
    def __init__(self, index_dir: Path, store: VectorStore, encoder: Encoder) -> None:
        self.index_dir = Path(index_dir)
        self.store = store
        self.encoder = encoder
        self._done: Set[tuple] = set()  # (generation, segment id) fully embedded

    def pending(self) -> List[str]:
        """Texts of the live index without a vector, newest segment first."""
        generation = current_generation(self.index_dir)
        if generation is None:
            return []
        ix = whoosh_index.open_dir(str(generation))
        texts: List[str] = []
        seen: Set[str] = set()
        with ix.reader() as reader:
            leaves = [leaf for leaf, _ in reader.leaf_readers()]
            for leaf in reversed(leaves):
                segment = (generation.name, leaf.segment().segment_id())
                if segment in self._done:
                    continue
                wanted = list(dict.fromkeys(t for texts_ in segment_phrasings(generation.name, leaf) for t in texts_))
                present = self.store.present(vector_key(t) for t in wanted)
                missing = [t for t in wanted if vector_key(t) not in present]
                if not missing:
                    self._done.add(segment)
                for text in missing:
                    if text not in seen:
                        seen.add(text)
                        texts.append(text)
        return texts

    def run(self, limit: Optional[int] = None, should_stop: Callable[[], bool] = lambda: False) -> int:
        """Embeds up to `limit` missing texts (all when None); returns how many were embedded."""
        todo = self.pending()
        if limit is not None:
            todo = todo[:limit]
        count = 0
        for start in range(0, len(todo), BATCH):
            if should_stop():
                break
            batch = todo[start : start + BATCH]
            vectors = self.encoder.embed(batch)
            self.store.put({vector_key(t): v for t, v in zip(batch, vectors, strict=True)})
            count += len(batch)
        return count


class EmbeddingLoop:
    """The background thread of a gateway: a round every `interval` seconds, each of at most `per_round`
    texts, so that the newest segments are looked at again soon even during a long backlog."""

    def __init__(self, embedder: Embedder, interval: float = 1.0, per_round: int = 256) -> None:
        self.embedder = embedder
        self.interval = interval
        self.per_round = per_round
        self.last_error: Optional[str] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                done = self.embedder.run(self.per_round, self._stop.is_set)
                self.last_error = None
            except Exception as exc:  # keep serving lexically; the next round retries
                done = 0
                self.last_error = f"{type(exc).__name__}: {exc}"
                logger.exception("计算句向量失败")
            if done:
                logger.info("已计算 %d 条句向量（%.1f 秒）", done, time.monotonic() - started)
                continue  # a backlog: go on at once
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="embedder", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = ["Embedder", "EmbeddingLoop", "BATCH"]
