"""One ranking from the two channels: the lexical score (search/ranking.py) and the best cosine of the
semantic channel (search/semantic.py).

    fused = cosine + LEXICAL_WEIGHT × lexical / best lexical
    then, among the ANSWER_DEPTH best when they are all FAQs: + ANSWER_WEIGHT × answer BM25 / its best there

The cosine leads (it generalises to questions worded unlike the entry; measured in
benchmarks/quality/README.md), the lexical share breaks near-ties in favour of the entry that has the
citizen's own words. A document the semantic channel cannot score yet (its vectors are being computed)
is taken to agree with the lexical channel: cosine ≈ best cosine × its lexical share. Semantic
candidates without any lexical match enter when their cosine is within `SEMANTIC_MARGIN` of the best
cosine over the whole index (before filters: a filter must not promote what is far from the question)
and above `SEMANTIC_FLOOR` (e5's cosines are compressed: questions the base cannot answer still reach
0.88–0.92 with their nearest entry).
Parameters chosen on the dev parts of both quality sets only (benchmarks/quality_bench.py --sweep). The
lexical weight was 0.05 until the sample set grew by 80 questions written blind: on the larger dev parts 0.01
ranks as well on the sample base and better on the Taipei FAQs (top-1 0.830 → 0.852), and answers fewer wrong
— an item's long guide text shares many words with a question it does not answer.
Sibling FAQs of one programme ("…申请几次" / "…出国期间" / "…可申请之加速器") sit within a few thousandths of
cosine of each other; what tells them apart is often only in the answer ("迟缴会怎样" → the answer that speaks of
滞纳金). The answer's own words therefore re-rank the few best FAQs; in the lexical score the answer weighs
little, and there normalised by the best over the whole index it cannot separate near-equal siblings. Chosen on
the dev parts of all four quality sets (answer only vs question + answer vs the ranking's field weights, weight
0.01–0.03, depth 2–5): top-1 on the blind Taipei set 40 → 45 of 65, the others within one question except the
first Taipei set (75 → 71 of 88); figures and held-out: benchmarks/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from search import ranking

LEXICAL_WEIGHT = 0.01
SEMANTIC_DEPTH = 30
SEMANTIC_MARGIN = 0.03
SEMANTIC_FLOOR = 0.90


@dataclass
class Fused:
    docs: np.ndarray
    scores: np.ndarray
    cosines: np.ndarray  # 0 where the document has no vector yet
    lexical: np.ndarray  # lexical score / best lexical score (0 when no lexical match)


ANSWER_WEIGHT = 0.01
ANSWER_DEPTH = 3


def answer_bonus(columns, leaves, terms, docs: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ANSWER_WEIGHT × the answer's BM25 / the best of it among the ANSWER_DEPTH best-ranked documents, for
    those only, and only when they are all FAQs (an item's guide text is long and shares words with questions
    it does not answer)."""
    bonus = np.zeros(len(docs))
    if ANSWER_WEIGHT <= 0 or not len(docs):
        return bonus
    head = np.lexsort((docs, -scores))[:ANSWER_DEPTH]
    if (columns.kinds[docs[head]] != "faq").any():
        return bonus
    answer = ranking.body_scores(columns, leaves, terms, docs[head])
    if answer.max() > 0:
        bonus[head] = ANSWER_WEIGHT * answer / answer.max()
    return bonus


def fuse(
    lex_docs: np.ndarray,
    lex_scores: np.ndarray,
    sem_docs: np.ndarray,
    sem_scores: np.ndarray,
    best: Optional[float] = None,
    lexical_weight: Optional[float] = None,
    depth: Optional[int] = None,
    margin: Optional[float] = None,
    floor: Optional[float] = None,
) -> Fused:
    """`sem_docs` ascending (the matrix's order) and already restricted to what the filters allow; `best` the
    best cosine before the filters (default: the best of `sem_scores`).
    Parameters left None take the module's values (which the benchmark's sweep sets)."""
    lexical_weight = LEXICAL_WEIGHT if lexical_weight is None else lexical_weight
    depth = SEMANTIC_DEPTH if depth is None else depth
    margin = SEMANTIC_MARGIN if margin is None else margin
    floor = SEMANTIC_FLOOR if floor is None else floor
    if len(sem_docs):
        best = float(sem_scores.max()) if best is None else best
        eligible = np.flatnonzero(sem_scores >= max(floor, best - margin))
        if len(eligible) > depth:
            eligible = eligible[np.argpartition(-sem_scores[eligible], depth)[:depth]]
        extra = sem_docs[eligible]
    else:
        best = 0.0 if best is None else best
        extra = np.zeros(0, dtype=np.int64)
    docs = np.union1d(lex_docs.astype(np.int64), extra)
    lexical = np.zeros(len(docs))
    if len(lex_docs):
        lexical[np.searchsorted(docs, lex_docs)] = lex_scores / float(lex_scores.max())
    cosines = np.zeros(len(docs))
    known = np.zeros(len(docs), dtype=bool)
    if len(sem_docs):
        where = np.searchsorted(sem_docs, docs)
        where = np.minimum(where, len(sem_docs) - 1)
        known = sem_docs[where] == docs
        cosines[known] = sem_scores[where[known]]
    estimate = np.where(known, cosines, best * lexical)
    return Fused(docs, estimate + lexical_weight * lexical, cosines, lexical)


__all__ = ["answer_bonus", "fuse", "Fused", "LEXICAL_WEIGHT", "SEMANTIC_DEPTH", "SEMANTIC_MARGIN", "SEMANTIC_FLOOR"]
