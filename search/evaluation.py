"""Retrieval quality on a graded query set: MRR@10, NDCG@5 and Recall@5, for our searcher and for a plain
BM25 baseline (rank-bm25's BM25Okapi over jieba tokens of the same documents) in the same run.

Grades: 3 answers the question, 2 is highly relevant, 1 is related, unlisted is 0. NDCG uses the gain
2^grade − 1; MRR and Recall count an entry as relevant from grade 2 up (a "related" entry is not an answer).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import yaml

from search.documents import SEARCHABLE_KINDS, to_document

RELEVANT_FROM = 2
_NOISY = re.compile(r"[a-zA-Z\uff01-\uff5e]|[^\u0000-\uffff]")


@dataclass
class Query:
    text: str
    grades: Dict[str, int]

    @property
    def noisy(self) -> bool:
        """Typed with pinyin, full-width forms, emoji or traditional characters."""
        from search.normalize import to_simplified

        return bool(_NOISY.search(self.text)) or to_simplified(self.text) != self.text


def load_queries(path: Path) -> List[Query]:
    rows = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [Query(str(row["q"]), {str(k): int(v) for k, v in row["rel"].items()}) for row in rows]


def reciprocal_rank(ranked: Sequence[str], grades: Dict[str, int], k: int = 10) -> float:
    for position, entry in enumerate(ranked[:k], start=1):
        if grades.get(entry, 0) >= RELEVANT_FROM:
            return 1.0 / position
    return 0.0


def ndcg(ranked: Sequence[str], grades: Dict[str, int], k: int = 5) -> float:
    def dcg(gains: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(entry, 0) for entry in ranked]) / ideal if ideal else 0.0


def recall(ranked: Sequence[str], grades: Dict[str, int], k: int = 5) -> float:
    relevant = {entry for entry, grade in grades.items() if grade >= RELEVANT_FROM}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


@dataclass
class Scores:
    mrr10: float
    ndcg5: float
    recall5: float
    count: int

    def as_dict(self) -> Dict[str, float]:
        return {"MRR@10": self.mrr10, "NDCG@5": self.ndcg5, "Recall@5": self.recall5, "queries": self.count}


def evaluate(rank: Callable[[str], List[str]], queries: Sequence[Query]) -> Scores:
    """Mean metrics of `rank` (query text → entry ids, best first) over the queries."""
    mrr = nd = rc = 0.0
    for query in queries:
        ranked = rank(query.text)
        mrr += reciprocal_rank(ranked, query.grades)
        nd += ndcg(ranked, query.grades)
        rc += recall(ranked, query.grades)
    n = max(1, len(queries))
    return Scores(mrr / n, nd / n, rc / n, len(queries))


class Bm25Baseline:
    """Plain BM25 (rank-bm25 BM25Okapi) over jieba search-mode tokens of the same documents: title,
    aliases or similar questions, keywords and body joined; no normalisation, synonyms or priors."""

    def __init__(self, store) -> None:
        import jieba
        from rank_bm25 import BM25Okapi

        departments = {d["id"]: d["name"] for d in store.iter_entries("department", status=None)}
        self.ids: List[str] = []
        corpus = []
        for entry in store.iter_entries():
            if entry["kind"] not in SEARCHABLE_KINDS:
                continue
            doc = to_document(entry, departments)
            self.ids.append(doc["id"])
            corpus.append(self._tokens(" ".join([doc["title"], doc["aliases"], doc["keywords"], doc["body"]])))
        self._jieba = jieba
        self.bm25 = BM25Okapi(corpus)

    @staticmethod
    def _tokens(text: str) -> List[str]:
        import jieba

        return [t.lower() for t in jieba.lcut_for_search(text) if t.strip() and re.search(r"\w", t)]

    def rank(self, text: str, limit: int = 10) -> List[str]:
        scores = self.bm25.get_scores(self._tokens(text))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:limit]
        return [self.ids[i] for i in order if scores[i] > 0]
