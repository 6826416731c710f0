"""The sentence vectors of phrasings, kept on disk by text (SQLite), shared by every process of a node and
by every index generation: a rebuild or a restart never embeds a text twice.

Key = hash of (model, normalised text). Rows are only ever added (INSERT OR IGNORE: two writers embedding
the same text agree); a reader follows new rows by rowid, so picking up what the embedder wrote since the
last look is one indexed range query.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

import numpy as np

from search.embedding import DIMENSION, MODEL_ID

LOOKUP_CHUNK = 500  # keys per IN (…) query (SQLite's default limit on host parameters is 999)


def vector_key(text: str, model_id: str = MODEL_ID) -> str:
    return hashlib.sha1(f"{model_id}\x00{text}".encode("utf-8")).hexdigest()[:24]


class VectorStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=30.0, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def present(self, keys: Iterable[str]) -> Set[str]:
        keys = list(dict.fromkeys(keys))
        found: Set[str] = set()
        with self._lock:
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = keys[start : start + LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(r[0] for r in self._db.execute(f"SELECT key FROM vectors WHERE key IN ({marks})", chunk))
        return found

    def put(self, vectors: Dict[str, np.ndarray]) -> None:
        rows = [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in vectors.items()]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def last_row(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COALESCE(MAX(rowid), 0) FROM vectors").fetchone()[0])

    def since(self, row: int) -> Tuple[List[Tuple[str, np.ndarray]], int]:
        """Vectors added after rowid `row`, and the last rowid read."""
        with self._lock:
            rows = self._db.execute("SELECT rowid, key, vector FROM vectors WHERE rowid > ? ORDER BY rowid", (row,))
            rows = rows.fetchall()
        out = [(key, np.frombuffer(blob, dtype=np.float32)) for _, key, blob in rows if len(blob) == DIMENSION * 4]
        return out, (rows[-1][0] if rows else row)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])


__all__ = ["VectorStore", "vector_key"]
