"""Answers queries from the live index generation, in any process, following rebuilds and incremental commits.

A query goes: normalise (search/normalize.py) → correct pinyin and sound-alike typos against the index's
own vocabulary (search/spelling.py; the corrected text is the "did you mean" suggestion) → the analyzer's
terms, plus the official terms of colloquial ones from the staff synonym table → scoring, filters and
facets (search/ranking.py) → snippets (search/highlight.py).

Each thread keeps its own Whoosh searcher (readers are not shared across threads); before each query
it checks the CURRENT pointer (full rebuilds) and the index's TOC generation (incremental commits made
by any process) and reopens only what changed. What all threads share for one version of the index
(per-document columns, synonyms, vocabulary) is a `Snapshot`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import jieba
import numpy as np
from whoosh import index as whoosh_index

from search import ranking
from search.analyzer import load_user_words, tokens
from search.documents import COMPLETION_SEPARATOR, WHOLE_PROVINCE, decode_facets
from search.fusion import answer_bonus, fuse
from search.highlight import snippet
from search.layout import CONTEXT_FILE, SYNC_KEY, SYNONYMS_FILE, IndexMissing, current_generation, read_json, read_words
from search.normalize import clean, fold, normalize_query
from search.question_aspects import AGREEMENT_WEIGHT, aspects_of, document_masks
from search.ranking import Columns, Filters, Term
from search.semantic import SemanticChannel
from search.spelling import Vocabulary, correct, weight_of

__all__ = ["KnowledgeSearcher", "Hit", "SearchPage", "IndexMissing", "KINDS", "KIND_LABELS"]

KINDS = ("item", "faq", "package", "app")
KIND_LABELS = {"item": "办事指南", "faq": "常见问题", "package": "一件事", "app": "便民应用"}
SYNONYM_BOOST = 0.5
UNCORRECTED_BOOST = 0.3
COMPLETION_SCAN = 3000


@dataclass
class Hit:
    type: str
    id: str
    title: str
    snippet: str
    score: float
    highlight: str = ""
    cosine: float = 0.0  # best cosine of the semantic channel (0: no vector, or the channel is off)
    lexical: float = 0.0  # lexical score relative to the best lexical score of the query

    def as_dict(self) -> Dict:
        return {
            "type": self.type,
            "id": self.id,
            "title": self.title,
            "snippet": self.snippet,
            "score": round(self.score, 3),
            "highlight": self.highlight,
        }


@dataclass
class SearchPage:
    query: str
    total: int
    hits: List[Hit]
    facets: Dict[str, List[Dict]]
    suggestion: Optional[str]


_segment_meta: Dict[tuple, list] = {}
_segment_meta_lock = threading.Lock()


def _meta_of_segment(generation: str, segreader) -> list:
    """Per-document (kind, department, online, regions, prior, lengths) of one segment, read once per
    process (segments never change, only their deletions, which the postings skip)."""
    key = (generation, segreader.segment().segment_id())
    with _segment_meta_lock:
        cached = _segment_meta.get(key)
    if cached is not None:
        return cached
    empty = ("", "", False, (), 1.0, (1, 1, 1, 1))
    rows = [decode_facets(raw) if raw else empty for raw in segreader.column_reader("facets")]
    with _segment_meta_lock:
        if len(_segment_meta) > 64:
            _segment_meta.clear()
        _segment_meta[key] = rows
    return rows


class Snapshot:
    """What every thread shares for one version of the index (generation + commit)."""

    def __init__(self, generation: Path, reader) -> None:
        self.generation = generation
        meta: list = []
        for leaf, _ in reader.leaf_readers():
            meta.extend(_meta_of_segment(generation.name, leaf))
        self.columns = Columns(meta)
        context = read_json(generation / CONTEXT_FILE, {})
        self.departments: Dict[str, str] = context.get("departments", {})
        self.regions: Dict[str, str] = context.get("regions", {})
        self.synonyms: Dict[str, List[str]] = {}
        for row in read_json(generation / SYNONYMS_FILE, []):
            for word in row["colloquial"]:
                self.synonyms.setdefault(fold(word), []).append(row["official"])
        self.words = read_words(generation)
        load_user_words(self.words)
        self._vocabulary: Optional[Vocabulary] = None
        self._aspects: Optional[np.ndarray] = None
        self._lock = threading.Lock()

    def aspects(self, reader) -> np.ndarray:
        """Per document: the aspects its FAQ question asks (search/question_aspects.py)."""
        with self._lock:
            if self._aspects is None:
                self._aspects = document_masks(self.generation.name, reader, self.columns.kinds)
            return self._aspects

    def vocabulary(self, reader) -> Vocabulary:
        """The index's words (built once per version, from the calling thread's reader of that version)."""
        with self._lock:
            if self._vocabulary is None:
                weights: Dict[str, float] = {}
                for word in self.words:
                    weights[word] = max(weights.get(word, 0.0), weight_of(1, bonus=0.5))
                for colloquial, officials in self.synonyms.items():
                    for word in [colloquial] + officials:
                        weights[word] = max(weights.get(word, 0.0), weight_of(1, bonus=0.5))
                jieba.dt.check_initialized()
                dictionary = jieba.dt.FREQ
                for fieldname in ("title", "aliases", "keywords"):
                    for term, info in reader.iter_field(fieldname):
                        if isinstance(term, bytes):
                            term = term.decode("utf-8")
                        if not dictionary.get(term) and not term.isascii():
                            continue  # a fragment jieba's HMM guessed, not a word anyone meant
                        weights[term] = max(weights.get(term, 0.0), weight_of(info.doc_frequency()))
                self._vocabulary = Vocabulary.build(weights)
            return self._vocabulary


class KnowledgeSearcher:
    def __init__(self, index_dir: Path, semantic: Optional[SemanticChannel] = None) -> None:
        self.index_dir = Path(index_dir)
        self.semantic = semantic
        self._local = threading.local()
        self._snapshots: Dict[tuple, Snapshot] = {}
        self._lock = threading.Lock()
        self._query_lock = threading.Lock()

    # -- index handles ---------------------------------------------------------------------------------

    def _handle(self):
        """This thread's Whoosh searcher on the latest commit of the live generation, and its snapshot."""
        generation = current_generation(self.index_dir)
        if generation is None:
            raise IndexMissing(f"索引尚未建立：{self.index_dir}")
        local = self._local
        searcher = getattr(local, "searcher", None)
        if searcher is None or local.generation != generation or not searcher.up_to_date():
            # A fresh reader, never Whoosh's refresh(): refresh reuses segment readers by segment, and a
            # reused reader keeps the deletions it was opened with (a document removed since would stay).
            if searcher is not None:
                searcher.close()
            if getattr(local, "generation", None) != generation:
                local.index = whoosh_index.open_dir(str(generation))
                local.generation = generation
            searcher = local.index.searcher()
        local.searcher = searcher
        key = (generation.name, searcher.reader().generation())
        with self._lock:
            snap = self._snapshots.get(key)
            if snap is None:
                snap = Snapshot(generation, searcher.reader())
                self._snapshots = {k: v for k, v in self._snapshots.items() if k[0] == generation.name}
                self._snapshots[key] = snap
        return searcher, snap

    def ping(self) -> int:
        """Number of documents in the live index (raises IndexMissing when there is none)."""
        searcher, _ = self._handle()
        return searcher.doc_count() - (1 if searcher.document_number(key=SYNC_KEY) is not None else 0)

    def regions(self) -> Dict[str, str]:
        """Known regions: county or city → city."""
        return dict(self._handle()[1].regions)

    def departments(self) -> Dict[str, str]:
        return dict(self._handle()[1].departments)

    # -- query terms -----------------------------------------------------------------------------------

    def corrected(self, text: str) -> Tuple[str, str]:
        """(normalised query, corrected query)."""
        searcher, snap = self._handle()
        normalized = normalize_query(text)
        return normalized, correct(normalized, snap.vocabulary(searcher.reader())) if normalized else ""

    def expand(self, text: str) -> List[str]:
        """Query terms: the analyzer's tokens plus the official terms of colloquial ones."""
        return [term for term, _ in self.weighted_terms(text)]

    def weighted_terms(self, text: str) -> List[tuple]:
        """(term, boost) pairs: what the citizen typed (corrected) at full weight, official synonyms at half."""
        _, snap = self._handle()
        normalized, corrected = self.corrected(text)
        return [(t.text, t.boost) for t in self._terms(normalized, corrected, snap)]

    def _terms(self, normalized: str, corrected: str, snap: Snapshot) -> List[Term]:
        primary = list(dict.fromkeys(tokens(corrected)))
        terms: Dict[str, Term] = {t: Term(t, 1.0, group) for group, t in enumerate(primary)}
        for group, word in enumerate(primary):
            for official in snap.synonyms.get(word, []):
                for t in tokens(official):
                    terms.setdefault(t, Term(t, SYNONYM_BOOST, group))
        if corrected != normalized:
            for t in tokens(normalized):
                terms.setdefault(t, Term(t, UNCORRECTED_BOOST, len(primary)))
        return list(terms.values())

    # -- search ----------------------------------------------------------------------------------------

    def search(self, text: str, kind: Optional[str] = None, limit: int = 10, **filters) -> List[Hit]:
        return self.search_page(text, kind=kind, limit=limit, **filters).hits

    def search_lexical(self, text: str, kind: Optional[str] = None, limit: int = 10, **filters) -> List[Hit]:
        """The lexical channel alone: scores on its own scale (BM25F), for callers whose thresholds and
        ratios are calibrated on it (resolving a named item, a 一件事 by its name)."""
        return self.search_page(text, kind=kind, limit=limit, semantic=False, **filters).hits

    def region_filter(self, region: Optional[str], snap: Optional[Snapshot] = None) -> Optional[frozenset]:
        if not region:
            return None
        region = region.strip()
        city = (snap or self._handle()[1]).regions.get(region, region)
        return frozenset({WHOLE_PROVINCE, region, city})

    def search_page(
        self,
        text: str,
        kind: Optional[str] = None,
        region: Optional[str] = None,
        department: Optional[str] = None,
        online: Optional[bool] = None,
        limit: int = 10,
        semantic: bool = True,
    ) -> SearchPage:
        # One query at a time per process: the work is CPU-bound Python, so threads could not run it in
        # parallel anyway (GIL), and interleaving them makes every query wait for all the others (at 8
        # concurrent threads, p95 73 ms interleaved vs. the figures in benchmarks/README.md serialised).
        with self._query_lock:
            return self._search_page(text, kind, region, department, online, limit, semantic)

    def _search_page(
        self,
        text: str,
        kind: Optional[str],
        region: Optional[str],
        department: Optional[str],
        online: Optional[bool],
        limit: int,
        use_semantic: bool = True,
    ) -> SearchPage:
        searcher, snap = self._handle()
        normalized = normalize_query(text)
        corrected = correct(normalized, snap.vocabulary(searcher.reader())) if normalized else ""
        suggestion = corrected if corrected and corrected != clean(text) else None
        terms = self._terms(normalized, corrected, snap)
        filters = Filters(kind=kind, regions=self.region_filter(region, snap), department=department, online=online)
        semantic = self._semantic_scores(searcher, snap, corrected or normalized, filters) if use_semantic else None
        if not terms and semantic is None:
            return SearchPage(text, 0, [], self._facets(snap, {}), suggestion)
        leaves = searcher.reader().leaf_readers()  # this thread's segment readers
        if terms:
            docs, scores = ranking.score(searcher, snap.columns, leaves, terms, filters)
        else:
            docs, scores = np.zeros(0, dtype=np.int64), np.zeros(0)
        best_lexical = float(scores.max()) if len(scores) else 1.0
        cosines: Dict[int, float] = {}
        lexical: Dict[int, float] = {}
        if semantic is not None:
            fused = fuse(docs, scores, *semantic)
            docs, scores = fused.docs, fused.scores + self._agreement(searcher, snap, normalized, fused.docs)
            cosines = dict(zip(docs.tolist(), fused.cosines.tolist(), strict=True))
            lexical = dict(zip(docs.tolist(), fused.lexical.tolist(), strict=True))
        counts = ranking.facets(snap.columns, docs, filters)
        allowed = snap.columns.allowed(filters, docs)
        docs, scores = docs[allowed], scores[allowed]
        if semantic is not None and terms:
            scores = scores + answer_bonus(snap.columns, leaves, terms, docs, scores)
        ranked = ranking.top(docs, scores, limit)
        hit_terms = [t.text for t in terms]
        hits = []
        for docnum, score in ranked:
            stored = searcher.stored_fields(docnum)
            plain, marked = snippet(stored.get("body", "") or stored.get("title", ""), hit_terms)
            hits.append(
                Hit(
                    type=stored["kind"],
                    id=stored["id"],
                    title=stored["title"],
                    snippet=plain,
                    score=score,
                    highlight=marked,
                    cosine=cosines.get(docnum, 0.0),
                    lexical=lexical.get(docnum, 0.0) if semantic is not None else score / best_lexical,
                )
            )
        return SearchPage(text, len(docs), hits, self._facets(snap, counts), suggestion)

    @staticmethod
    def _agreement(searcher, snap: Snapshot, text: str, docs: np.ndarray) -> np.ndarray:
        """AGREEMENT_WEIGHT for each FAQ whose question asks what the citizen asks (its time, place, materials…)."""
        asked = aspects_of(text)
        if not asked or not len(docs):
            return np.zeros(len(docs))
        return AGREEMENT_WEIGHT * ((snap.aspects(searcher.reader())[docs] & asked) != 0)

    def _semantic_scores(self, searcher, snap: Snapshot, text: str, filters: Filters):
        """(documents, cosines) the filters allow and the best cosine over all documents, or None when the
        channel is off or has no vectors yet."""
        if self.semantic is None or not text:
            return None
        matrix = self.semantic.matrix(snap, searcher.reader())
        if not len(matrix.docs):
            return None
        docs, cosines = matrix.scores(self.semantic.query_vector(text))
        allowed = snap.columns.allowed(filters, docs)
        return docs[allowed], cosines[allowed], float(cosines.max())

    @staticmethod
    def _facets(snap: Snapshot, counts: Dict) -> Dict[str, List[Dict]]:
        """Facet counts as lists of {value, label, count}, most frequent first."""
        counts = {name: counts.get(name, {}) for name in ("type", "region", "department", "online")}

        def listed(counter: Dict, label) -> List[Dict]:
            return [
                {"value": value, "label": label(value), "count": n}
                for value, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
            ]

        return {
            "type": listed(counts["type"], lambda v: KIND_LABELS.get(v, v)),
            "region": listed(counts["region"], lambda v: "全省通用" if v == WHOLE_PROVINCE else v),
            "department": listed(counts["department"], lambda v: snap.departments.get(v, v)),
            "online": listed(counts["online"], lambda v: "掌上可办" if v else "需到窗口办理"),
        }

    # -- autocomplete ----------------------------------------------------------------------------------

    def suggest(self, prefix: str, limit: int = 8) -> List[str]:
        """Titles that complete what has been typed so far (by name, alias, pinyin or initials)."""
        searcher, _ = self._handle()
        key = normalize_query(prefix).replace(" ", "")
        if not key:
            return []
        reader = searcher.reader()
        found: Dict[str, tuple] = {}
        for scanned, term in enumerate(reader.expand_prefix("complete", key)):
            if scanned >= COMPLETION_SCAN:
                break
            if isinstance(term, bytes):
                term = term.decode("utf-8")
            completion_key, _, title = term.partition(COMPLETION_SEPARATOR)
            rank = (
                0 if completion_key == normalize_query(title).replace(" ", "") else 1,
                -reader.doc_frequency("complete", term),
                len(title),
                title,
            )
            if title not in found or rank < found[title]:
                found[title] = rank
        return [title for title, _ in sorted(found.items(), key=lambda kv: kv[1])[:limit]]
