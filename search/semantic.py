"""The semantic channel: cosine between the question's e5 vector and every phrasing of every live document
(title, aliases, similar questions — one vector each); a document scores its best phrasing.

Per process it keeps the vectors it has read from the vector store (search/vectors.py), following new rows
at most every `REFRESH_SECONDS`, and per index version (a `Snapshot`) one matrix of the live documents'
phrasing vectors. A phrasing whose vector is not computed yet (the embedder works in the background, see
search/embedder.py) is left out until it is; the matrix is rebuilt when such vectors arrive.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from search.dialect import plain
from search.documents import decode_phrasings
from search.embedding import DIMENSION, Encoder, embedding_text, get_encoder
from search.layout import SYNC_KIND
from search.vectors import VectorStore, vector_key

REFRESH_SECONDS = 1.0

_segment_keys: Dict[tuple, list] = {}
_segment_keys_lock = threading.Lock()


def segment_phrasings(generation: str, segreader) -> List[List[str]]:
    """Per document number of one segment: its phrasings (texts to embed). Read once per process."""
    key = (generation, segreader.segment().segment_id())
    with _segment_keys_lock:
        cached = _segment_keys.get(key)
    if cached is not None:
        return cached
    if segreader.has_column("phrasings"):
        rows = [[embedding_text(t) for t in decode_phrasings(raw)] for raw in segreader.column_reader("phrasings")]
    else:  # an index built before phrasings were stored: the title is the only phrasing known
        rows = [[] for _ in range(segreader.doc_count_all())]
        for docnum, fields in segreader.iter_docs():
            if fields.get("kind") != SYNC_KIND and fields.get("title"):
                rows[docnum] = [embedding_text(fields["title"])]
    rows = [[t for t in dict.fromkeys(texts) if t] for texts in rows]
    with _segment_keys_lock:
        if len(_segment_keys) > 128:
            _segment_keys.clear()
        _segment_keys[key] = rows
    return rows


def live_phrasings(generation: str, reader):
    """(global document number, phrasing texts) of every live document of a reader."""
    for segreader, offset in reader.leaf_readers():
        rows = segment_phrasings(generation, segreader)
        deleted = segreader.has_deletions()
        for docnum, texts in enumerate(rows):
            if texts and not (deleted and segreader.is_deleted(docnum)):
                yield offset + docnum, texts


class Matrix:
    """The phrasing vectors of one index version: rows grouped by document."""

    def __init__(self, docs: np.ndarray, starts: np.ndarray, vectors: np.ndarray, missing: int, row: int) -> None:
        self.docs = docs  # document numbers, ascending, each with at least one vector
        self.starts = starts  # first row of each document
        self.vectors = vectors
        self.missing = missing  # phrasings without a vector yet
        self.row = row  # the vector store row this was built at

    def scores(self, query: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(documents, best cosine of each)."""
        if not len(self.docs):
            return self.docs, np.zeros(0, dtype=np.float32)
        return self.docs, np.maximum.reduceat(self.vectors @ query, self.starts)


class VectorMemory:
    """The vectors of one vector store that this process has read, following new rows at most every
    REFRESH_SECONDS. One per store path and process, shared by every channel on it."""

    def __init__(self, store: VectorStore) -> None:
        self.store = store
        self.vectors: Dict[str, np.ndarray] = {}
        self.row = 0
        self._checked = 0.0
        self._lock = threading.Lock()

    def refresh(self) -> int:
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= REFRESH_SECONDS:
                self._checked = now
                rows, self.row = self.store.since(self.row)
                for key, vector in rows:
                    self.vectors[key] = vector
            return self.row


class SemanticChannel:
    def __init__(self, store: VectorStore, encoder: Encoder, memory: Optional[VectorMemory] = None) -> None:
        self.store = store
        self.encoder = encoder
        self.memory = memory or VectorMemory(store)
        self._lock = threading.Lock()

    @property
    def _vectors(self) -> Dict[str, np.ndarray]:
        return self.memory.vectors

    def matrix(self, snap, reader) -> Matrix:
        """The snapshot's matrix, rebuilt when vectors it lacked may have arrived."""
        with self._lock:
            row = self.memory.refresh()
            current: Optional[Matrix] = getattr(snap, "semantic_matrix", None)
            if current is not None and (current.missing == 0 or current.row == row):
                return current
            built = self._build(snap.generation.name, reader, row)
            snap.semantic_matrix = built
            return built

    def _build(self, generation: str, reader, row: int) -> Matrix:
        docs: List[int] = []
        starts: List[int] = []
        rows: List[np.ndarray] = []
        missing = 0
        for docnum, texts in live_phrasings(generation, reader):
            found = [self._vectors.get(vector_key(t)) for t in texts]
            present = [v for v in found if v is not None]
            missing += len(found) - len(present)
            if present:
                docs.append(docnum)
                starts.append(len(rows))
                rows.extend(present)
        vectors = np.vstack(rows) if rows else np.zeros((0, DIMENSION), dtype=np.float32)
        return Matrix(np.array(docs, dtype=np.int64), np.array(starts, dtype=np.int64), vectors, missing, row)

    def query_vector(self, text: str) -> np.ndarray:
        """The question's vector: an entry's own phrasing asked as it is written (a tapped 猜你想问 or 热门问题,
        an item's name) already has one — both sides are embedded alike — else it is computed (and cached) from
        the question with its dialect words in plain Mandarin (search/dialect.py)."""
        embedded = embedding_text(text)
        known = self._vectors.get(vector_key(embedded))
        return known if known is not None else self.encoder.query(plain(embedded))


_memories: Dict[str, VectorMemory] = {}
_memories_lock = threading.Lock()


def open_channel(vectors_path, enabled: bool = True, threads: int = 1) -> Optional[SemanticChannel]:
    """A semantic channel on the vector store at `vectors_path` (its connection and the vectors read from it
    shared by every channel of this process on that path), or None (off, or the engine cannot load here:
    lexical only)."""
    encoder = get_encoder(enabled, threads)
    if encoder is None:
        return None
    key = str(Path(vectors_path).resolve())
    with _memories_lock:
        memory = _memories.get(key)
        if memory is None:
            memory = _memories[key] = VectorMemory(VectorStore(Path(vectors_path)))
    return SemanticChannel(memory.store, encoder, memory)


__all__ = ["SemanticChannel", "open_channel", "Matrix", "live_phrasings", "segment_phrasings", "REFRESH_SECONDS"]
