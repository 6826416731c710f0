"""Answers queries from the live index generation; reopens when a new generation is swapped in."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from whoosh import index as whoosh_index
from whoosh.collectors import TopCollector
from whoosh.query import And, Or, Term
from whoosh.scoring import BM25F

from search.analyzer import load_user_words, tokens
from search.index import SYNONYMS_FILE, WORDS_FILE, current_generation

SEARCH_FIELDS = ("title", "aliases", "keywords", "body")
SYNONYM_BOOST = 0.5
COORDINATION = 0.9


class IndexMissing(RuntimeError):
    """No index has been built yet in the configured directory."""


@dataclass
class Hit:
    type: str
    id: str
    title: str
    snippet: str
    score: float

    def as_dict(self) -> Dict:
        return {"type": self.type, "id": self.id, "title": self.title,
                "snippet": self.snippet, "score": round(self.score, 3)}


class PriorWeighting(BM25F):
    """BM25F times the document's prior (kind and 高频事项 boost, stored at index time)."""

    use_final = True

    def final(self, searcher, docnum, score):
        return score * searcher.stored_fields(docnum).get("prior", 1.0)


class KnowledgeSearcher:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: Optional[Path] = None
        self._index = None
        self._synonyms: Dict[str, List[str]] = {}

    def _refresh(self):
        generation = current_generation(self.index_dir)
        if generation is None:
            raise IndexMissing(f"索引尚未建立：{self.index_dir}")
        with self._lock:
            if generation != self._generation:
                words_path = generation / WORDS_FILE
                if words_path.exists():
                    load_user_words(words_path.read_text(encoding="utf-8").splitlines())
                self._synonyms = _synonym_map(generation / SYNONYMS_FILE)
                self._index = whoosh_index.open_dir(str(generation))
                self._generation = generation
            return self._index

    def ping(self) -> int:
        """Number of documents in the live index (raises IndexMissing when there is none)."""
        return self._refresh().doc_count()

    def expand(self, text: str) -> List[str]:
        """Query terms: the analyzer's tokens plus the official terms of colloquial ones."""
        return [term for term, _ in self.weighted_terms(text)]

    def weighted_terms(self, text: str) -> List[tuple]:
        """(term, boost) pairs: what the citizen typed at full weight, official synonyms at half."""
        self._refresh()
        terms = list(dict.fromkeys(tokens(text)))
        weighted = [(term, 1.0) for term in terms]
        for term in terms:
            for official in self._synonyms.get(term, []):
                weighted.extend((t, SYNONYM_BOOST) for t in tokens(official) if t not in terms)
        first_boost: Dict[str, float] = {}
        for term, boost in weighted:
            first_boost.setdefault(term, boost)
        return list(first_boost.items())

    def search(self, text: str, kind: Optional[str] = None, limit: int = 10) -> List[Hit]:
        index = self._refresh()
        terms = self.weighted_terms(text)
        if not terms:
            return []
        # One clause per distinct term (matched in any field); the coordination bonus prefers documents
        # that match more of the citizen's words over those that repeat one word often.
        query = Or([Or([Term(field, term) for field in SEARCH_FIELDS], boost=boost) for term, boost in terms],
                   scale=COORDINATION)
        if kind:
            query = And([query, Term("kind", kind)])
        with index.searcher(weighting=PriorWeighting()) as searcher:
            # No pruning (replace=0, no block quality): Whoosh prunes by each term's best BM25 score,
            # which does not include the prior applied in final(), and would drop documents it lifts.
            collector = TopCollector(limit=limit, usequality=False, replace=0)
            searcher.search_with_collector(query, collector)
            results = collector.results()
            return [Hit(type=r["kind"], id=r["id"], title=r["title"],
                        snippet=_snippet(r.get("body", "")), score=float(r.score)) for r in results]


def _snippet(body: str, length: int = 80) -> str:
    text = " ".join(body.split())
    return text if len(text) <= length else text[:length] + "…"


def _synonym_map(path: Path) -> Dict[str, List[str]]:
    mapping: Dict[str, List[str]] = {}
    if not path.exists():
        return mapping
    for row in json.loads(path.read_text(encoding="utf-8")):
        for word in row["colloquial"]:
            mapping.setdefault(word, []).append(row["official"])
    return mapping
