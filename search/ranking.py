"""Scores, filters and facet counts over one version of the index, vectorised with numpy.

Score of a document = prior × (1 + COORDINATION_BONUS × share of the citizen's words it matches)
× Σ over query terms and fields of  field weight × idf × boost × tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen)).

Candidates come from the distinctive (term, field) pairs — in at most `CORE_FRACTION` of the documents
(at least `CORE_MIN_DOCS`); a pair common to most documents ("办理" in bodies) only adds to the best
`RERANK_DEPTH` candidates, and only in names (title, aliases, keywords). On a small knowledge base every
pair is distinctive and the scoring is exact. A result must reach `RELEVANCE_FLOOR` of the best score.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from search.layout import FIELD_BOOSTS, SEARCH_FIELDS
from search.postings import segment_postings

K1, B = 1.2, 0.75
# BM25F-style field weights (title > aliases and similar questions > keywords > body).
FIELD_WEIGHTS = {"title": 4.0, "aliases": 3.5, "keywords": 1.5, "body": 0.5}
COORDINATION_BONUS = 2.0
CORE_FRACTION = 0.02
CORE_MIN_DOCS = 1000
RERANK_DEPTH = 200
COMMON_TERM_FIELDS = ("title", "aliases", "keywords")
RELEVANCE_FLOOR = 0.15
FIELD_INDEX = {name: i for i, name in enumerate(SEARCH_FIELDS)}


@dataclass
class Term:
    text: str
    boost: float
    group: int  # the citizen's word it stands for (a synonym shares its word's group)
    fields: List[Tuple[str, float]] = field(default_factory=list)  # (field, idf) where present
    core_fields: List[str] = field(default_factory=list)  # present in few documents: make candidates
    common_fields: List[str] = field(default_factory=list)  # present in many: re-rank only


@dataclass
class Filters:
    kind: Optional[str] = None
    regions: Optional[frozenset] = None  # accepted document regions ("*", the city, the county)
    department: Optional[str] = None
    online: Optional[bool] = None

    def active(self) -> bool:
        return any(v is not None for v in (self.kind, self.regions, self.department, self.online))


class Columns:
    """Per-document arrays of one index version (global document numbers)."""

    def __init__(self, meta: list) -> None:
        self.meta = meta
        self.size = len(meta)
        self.kinds = np.array([m[0] for m in meta], dtype=object)
        self.departments = np.array([m[1] for m in meta], dtype=object)
        self.online = np.array([m[2] for m in meta], dtype=bool)
        self.priors = np.array([m[4] for m in meta], dtype=np.float64)
        self.lengths = [np.array([m[5][i] for m in meta], dtype=np.float64) for i in range(len(SEARCH_FIELDS))]
        live = self.kinds != ""
        self.avg_lengths = [max(1.0, float(lengths[live].mean()) if live.any() else 1.0) for lengths in self.lengths]
        self._region_masks: Dict[frozenset, np.ndarray] = {}

    def region_mask(self, regions: frozenset) -> np.ndarray:
        mask = self._region_masks.get(regions)
        if mask is None:
            mask = np.array([not regions.isdisjoint(m[3]) for m in self.meta], dtype=bool)
            if len(self._region_masks) > 256:
                self._region_masks.clear()
            self._region_masks[regions] = mask
        return mask

    def allowed(self, filters: Filters, docs: np.ndarray, skip: str = "") -> np.ndarray:
        """Which of `docs` the filters let through (all but the `skip` one)."""
        mask = np.ones(len(docs), dtype=bool)
        if filters.kind is not None and skip != "type":
            mask &= self.kinds[docs] == filters.kind
        if filters.department is not None and skip != "department":
            mask &= self.departments[docs] == filters.department
        if filters.online is not None and skip != "online":
            mask &= self.online[docs] == filters.online
        if filters.regions is not None and skip != "region":
            mask &= self.region_mask(filters.regions)[docs]
        return mask


def _add(
    columns: Columns,
    leaves,
    term: Term,
    fieldnames,
    scores: np.ndarray,
    groups: np.ndarray,
    only: Optional[np.ndarray] = None,
    touched: Optional[List[np.ndarray]] = None,
) -> None:
    """Adds the term's contributions in `fieldnames` to `scores` (all its postings, or only the sorted
    documents `only`), and marks its group in `groups`."""
    bit = np.int64(1) << np.int64(term.group)
    for fieldname, idf in term.fields:
        if fieldname not in fieldnames:
            continue
        position = FIELD_INDEX[fieldname]
        numerator = FIELD_WEIGHTS[fieldname] * idf * term.boost * (K1 + 1)
        k_base, k_length = K1 * (1 - B), K1 * B / columns.avg_lengths[position]
        unboost = 1.0 / FIELD_BOOSTS[fieldname]  # Whoosh stores tf × the schema's field boost
        for leaf, offset in leaves:
            ids, weights = segment_postings(leaf, fieldname, term.text)
            if not len(ids):
                continue
            if only is not None:
                local = only - offset
                local = local[(local >= 0) & (local <= ids[-1])]
                at = np.searchsorted(ids, local)
                hit = ids[at] == local
                ids, weights = ids[at[hit]], weights[at[hit]]
            docs = ids + offset
            tf = weights.astype(np.float64) * unboost
            scores[docs] += numerator * tf / (tf + k_base + k_length * columns.lengths[position][docs])
            groups[docs] |= bit
            if touched is not None:
                touched.append(docs)


def score(searcher, columns: Columns, leaves, terms: List[Term], filters: Filters) -> Tuple[np.ndarray, np.ndarray]:
    """(documents, final scores) of every relevant document, unordered; the filters only decide which
    documents get re-ranked exactly (they are applied by the caller)."""
    total = searcher.doc_count_all()
    threshold = max(CORE_MIN_DOCS, total * CORE_FRACTION)
    rarest = None
    for term in terms:
        for fieldname in SEARCH_FIELDS:
            frequency = searcher.doc_frequency(fieldname, term.text)
            if not frequency:
                continue
            term.fields.append((fieldname, math.log(total / (frequency + 1)) + 1.0))  # Whoosh's idf
            (term.core_fields if frequency <= threshold else term.common_fields).append(fieldname)
            if rarest is None or frequency < rarest[0]:
                rarest = (frequency, term, fieldname)
    if rarest is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    if not any(t.core_fields for t in terms):
        _, term, fieldname = rarest  # every pair is common: the rarest one still has to make candidates
        term.common_fields.remove(fieldname)
        term.core_fields.append(fieldname)
    scores = np.zeros(columns.size, dtype=np.float64)
    groups = np.zeros(columns.size, dtype=np.int64)
    touched: List[np.ndarray] = []
    for term in terms:
        if term.core_fields:
            _add(columns, leaves, term, term.core_fields, scores, groups, touched=touched)
    candidates = np.unique(np.concatenate(touched)) if touched else np.zeros(0, dtype=np.int64)
    common = [t for t in terms if any(f in COMMON_TERM_FIELDS for f in t.common_fields)]
    if common and len(candidates):
        depth = _best(candidates, scores[candidates], RERANK_DEPTH)
        if filters.active():
            allowed = candidates[columns.allowed(filters, candidates)]
            depth = np.union1d(depth, _best(allowed, scores[allowed], RERANK_DEPTH))
        for term in common:
            _add(
                columns,
                leaves,
                term,
                [f for f in term.common_fields if f in COMMON_TERM_FIELDS],
                scores,
                groups,
                only=np.sort(depth),
            )
    group_count = max(1, len({t.group for t in terms if t.boost == 1.0}))
    bits = groups[candidates]
    matched = np.zeros(len(candidates), dtype=np.int64)
    for group in range(max(t.group for t in terms) + 1):
        matched += (bits >> group) & 1
    final = (
        scores[candidates]
        * columns.priors[candidates]
        * (1.0 + COORDINATION_BONUS * np.minimum(1.0, matched / group_count))
    )
    if not len(final):
        return candidates, final
    keep = final >= RELEVANCE_FLOOR * final.max()
    return candidates[keep], final[keep]


def body_scores(columns: Columns, leaves, terms: List[Term], docs: np.ndarray) -> np.ndarray:
    """The body's share of the score (a FAQ's answer, an item's conditions and materials) for each of `docs`
    (a few), every query term counted in full, common or not. Needs the terms' idf (set by `score`)."""
    scores = np.zeros(columns.size, dtype=np.float64)
    if not len(docs):
        return scores[:0]
    groups = np.zeros(columns.size, dtype=np.int64)
    only = np.sort(docs)
    for term in terms:
        _add(columns, leaves, term, ("body",), scores, groups, only=only)
    return scores[docs]


def _best(docs: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    if len(docs) <= count:
        return docs
    return docs[np.argpartition(-values, count)[:count]]


def top(docs: np.ndarray, scores: np.ndarray, limit: int) -> List[Tuple[int, float]]:
    """The best `limit` (document, score): higher score first, then lower document number."""
    order = np.lexsort((docs, -scores))[:limit]
    return [(int(docs[i]), float(scores[i])) for i in order]


def facets(columns: Columns, docs: np.ndarray, filters: Filters) -> Dict[str, Counter]:
    """Counts by type, region, department and 掌上可办, each with the other filters applied."""
    counts: Dict[str, Counter] = {}
    for name, values in (("type", columns.kinds), ("department", columns.departments), ("online", columns.online)):
        chosen = docs[columns.allowed(filters, docs, skip=name)]
        counts[name] = Counter(v for v in values[chosen].tolist() if v != "")
    regions: Counter = Counter()
    meta = columns.meta
    by_list = Counter(meta[d][3] for d in docs[columns.allowed(filters, docs, skip="region")].tolist())
    for region_list, n in by_list.items():  # a few distinct region lists, shared tuples
        for region in region_list:
            regions[region] += n
    counts["region"] = regions
    return counts
