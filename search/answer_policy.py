"""How sure an answer found by retrieval is: answer the top hit, offer the top three as numbered choices,
or admit that the knowledge base has nothing (the fallback ladder).

Two measures of the top hit, chosen on the graded query set (rationale and figures: docs/decisions.md,
"FAQ 作答的置信阈值"; reproduce with `.venv/bin/python benchmarks/answer_threshold.py`):

- coverage: the share of the citizen's content words (jieba words of two or more characters, without
  question words such as 怎么/需要 and numbers) that the entry's text contains, directly, through a synonym
  (暂住证 → 居住证) or through a dictionary sub-word one character shorter (身份证号 → 身份证). A question
  with no content word at all ("怎么办", "啊这") has coverage 0.
- gap: the score of the best hit about another topic divided by the top score. Hits about the same item
  (the guide and its FAQs, a 一件事 and its items) do not compete: either is a right answer.

Answer when coverage ≥ MIN_COVERAGE and gap < GAP_RATIO, or when the question is one of the entry's own
phrasings; nothing when coverage < MIN_RELATED (the top hit shares at most a stray word with the question);
offer the top three as choices in between.

With the semantic channel (search/semantic.py) the hits carry the best cosine of their phrasings, which
says far better than shared words whether the entry is about what was asked (figures:
benchmarks/quality/README.md). Then answer when the top cosine is ≥ SURE_COSINE and either no hit about
another topic has a higher cosine or the top hit's ranking score is ahead of the best hit about another topic
by ≥ SCORE_MARGIN ("no other topic higher" means ahead by more than NOISE_COSINE here: "公积金怎么提取" is
as close to 购房提取 as to 退休提取, within a few thousandths); or when the cosine is ≥ ANSWER_COSINE and both
hold; or when the cosine is ≥ LEAD_COSINE
and it is ahead of every hit about another topic by ≥ COSINE_LEAD in cosine itself — the sentence vector
clearly prefers one entry even if it is only moderately close ("怀上了 在哪建档" → 孕妇需要建档吗？在哪里建档？,
the next topic far behind). Nothing when the cosine is < NONE_COSINE; choices in between ("公积金怎么提取":
three kinds of withdrawal, none ahead). The margin is
taken on the ranking's own score (cosine, the lexical share and whether a FAQ's question asks what the citizen
asks: search/searcher.py), not on the cosine alone: near-duplicate questions of one programme differ by a few
thousandths of cosine, and the citizen's own words and what they ask tell them apart better; the cosine
condition keeps shared words alone from deciding ("老家那边的户口本上的事想弄到太原来" shares every word with
"户口本丢了怎么补？" and means 户口迁入). One exception lets the words decide between near-equal cosines:
answer when the cosine is ≥ WORDS_COSINE, no hit about another topic is closer in cosine by more than
RIVAL_SLACK, the score is ahead by ≥ WORDS_MARGIN and at least WORDS_SHARE of the citizen's content words are
in the entry. Among sibling questions of one programme the right one is often a few thousandths behind a
sibling in the 4-bit model's cosine and ahead in words and question kind ("世大运一共比几天" → 总共比赛几天,
a sibling about the daily schedule 0.005 closer); the share keeps a question about something the base lacks
from being answered by the nearest sentence that shares one place name ("太原到北京的高铁票怎么买"), and a
question that names both topics (a word missing from the top entry's own phrasings is in the rival's:
"社保和身份证") is never decided by words.
Figures: benchmarks/README.md, "外部质量".
Words still count: when none of the citizen's content words is in the top entry ("学位证丢了怎么补"
→ 离婚证丢了怎么补？: same sentence, another thing), it is never answered — choices when the cosine is
≥ SURE_COSINE, else nothing. Chosen on the dev parts of both external sets (sample base and Taipei
FAQs), never on the held-out parts.

Either way, choices are only offered when they are about different things: when every choice is about the
top hit's item (the guide and its FAQs), the top hit is answered.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set

import jieba

from search.documents import to_document
from search.normalize import fold, normalize_query

ANSWER, CHOOSE, NONE = "answer", "choose", "none"
GAP_RATIO = 0.8
MIN_COVERAGE = 0.6
MIN_RELATED = 0.3  # below this coverage the hits only share a stray word with the question: nothing found
CHOICES = 3
SURE_COSINE = 0.95
ANSWER_COSINE = 0.92
SCORE_MARGIN = 0.01
# Words decide between near-equal cosines (siblings of one programme): see the module's docstring.
WORDS_COSINE = 0.91
WORDS_MARGIN = 0.006
WORDS_SHARE = 0.5
RIVAL_SLACK = 0.01  # another topic at most this much closer in cosine is a sibling-level tie, not a veto
LEAD_COSINE = 0.90
COSINE_LEAD = 0.02
NOISE_COSINE = 0.003  # cosines of the 4-bit model closer than this prefer neither entry
NONE_COSINE = 0.88
SYNONYM_CACHE_SECONDS = 60.0
# Question and filler words: they say how something is asked, not what.
QUESTION_WORDS = frozenset(
    "怎么 怎么办 怎么样 怎样 如何 什么 为什么 哪里 哪儿 哪些 哪个 多少 多久 几天 能不能 可不可以 可以 是不是 要不要 "
    "需要 办理 一下 请问 我的 我们 你们 现在 还是 或者 这个 那个 的话 一个 有没有 没有 是否 能否 咨询 请教 问问 "
    "问下 想问 知道 谢谢".split()
)
# Words that name a part of a guide, not a thing: a question made only of these ("要带什么材料") names no item.
ASPECT_WORDS = frozenset(
    "材料 证件 手续 资料 费用 收费 多少钱 要钱 时间 时限 多长时间 几天 地点 地址 地方 在哪 在哪儿 窗口 网上 手机 "
    "线上 条件 资格 流程 步骤 要求 带什么 准备 哪办 咋办 多久 多长".split()
)
_NOT_A_WORD = re.compile(r"[\d*\[\]]")  # numbers and masked numbers ([电话], 140***1234) say nothing asked
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Judgement:
    level: str  # ANSWER | CHOOSE | NONE
    coverage: float = 0.0
    gap: float = 0.0
    exact: bool = False
    cosine: float = 0.0


def topics(kind: str, entry: Optional[Dict]) -> Set[str]:
    """The items an entry is about: an item itself, a FAQ's or 一件事's linked items."""
    if not entry:
        return set()
    if kind == "item":
        return {entry["id"]}
    return set(entry.get("items") or [])


def phrasings(kind: str, entry: Dict) -> List[str]:
    """The entry's own ways of asking: a FAQ's question and similar questions, a name and its aliases."""
    if kind == "faq":
        return [entry.get("question", "")] + list(entry.get("similar_questions") or [])
    return [entry.get("name", "")] + list(entry.get("aliases") or [])


def bare(text: str) -> str:
    return _PUNCT.sub("", normalize_query(text or ""))


class _Synonyms:
    """Colloquial word → official terms, from the store's published synonym list (reread every minute)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_store: Dict[int, tuple] = {}

    def of(self, store) -> Dict[str, List[str]]:
        key = id(store)
        with self._lock:
            cached = self._by_store.get(key)
            if cached and cached[0] > time.monotonic():
                return cached[1]
        mapping: Dict[str, List[str]] = {}
        try:
            rows = json.loads(store.get_meta("synonyms") or "[]")
        except ValueError:
            rows = []
        for row in rows:
            for word in row.get("colloquial", []):
                mapping.setdefault(fold(word), []).append(fold(row.get("official", "")))
        with self._lock:
            self._by_store[key] = (time.monotonic() + SYNONYM_CACHE_SECONDS, mapping)
        return mapping


synonyms = _Synonyms()


def content_words(corrected_query: str) -> List[str]:
    """The words that say what is asked (jieba precise mode, with the knowledge base's dictionary that the
    searcher has loaded)."""
    words = []
    for word in jieba.lcut(corrected_query):
        word = word.strip()
        if (
            len(word) >= 2
            and word not in QUESTION_WORDS
            and not _PUNCT.fullmatch(word)
            and not _NOT_A_WORD.search(word)
            and word not in words
        ):
            words.append(word)
    return words


def asked_words(searcher, text: str) -> List[str]:
    """The question's content words (spelling corrected) that name no part of a guide: what it is about."""
    _, corrected = searcher.corrected(text)
    return [word for word in content_words(corrected or normalize_query(text)) if word not in ASPECT_WORDS]


def names_something(searcher, text: str) -> bool:
    """Whether the question names a thing (an item, a document, a topic) beyond the part of a guide it asks."""
    return bool(asked_words(searcher, text))


def entry_text(kind: str, entry: Dict) -> str:
    document = to_document({**entry, "kind": kind}, {})
    return fold(" ".join(str(document.get(name, "")) for name in ("title", "aliases", "keywords", "body")))


def found_in(word: str, text: str, synonym_map: Dict[str, List[str]], min_part: int = 2) -> bool:
    """The word, an official synonym of it, or a dictionary sub-word one character shorter (身份证号 → 身份证,
    社保咔 → 社保) of at least `min_part` characters is in the text."""

    def present(term: str) -> bool:
        return term in text or any(o and o in text for o in synonym_map.get(term, []))

    if present(word):
        return True
    shortest = max(min_part, len(word) - 1)
    return any(len(part) >= shortest and part != word and present(part) for part in jieba.cut_for_search(word))


def coverage(words: Sequence[str], text: str, synonym_map: Dict[str, List[str]]) -> float:
    if not words:
        return 0.0  # nothing but question words and particles ("怎么办", "啊这"): nothing says what is asked
    return sum(1 for w in words if found_in(w, text, synonym_map)) / len(words)


def judge(
    searcher,
    store,
    text: str,
    hits: Sequence,
    entries: Optional[Dict[tuple, Dict]] = None,
    gap_ratio: float = GAP_RATIO,
    min_coverage: float = MIN_COVERAGE,
    min_related: float = MIN_RELATED,
) -> Judgement:
    """How to answer `text` given its search hits (best first). `entries` may hold (kind, id) → entry
    already read; others are read from `store`. The thresholds are parameters for the benchmark's sweep."""
    if not hits:
        return Judgement(NONE)
    entries = dict(entries or {})

    def entry_of(hit) -> Optional[Dict]:
        key = (hit.type, hit.id)
        if key not in entries:
            entries[key] = store.get(hit.type, hit.id)
        return entries[key]

    top = hits[0]
    top_entry = entry_of(top)
    if not top_entry:
        return Judgement(NONE)
    asked = bare(text)
    if asked and any(asked == bare(p) for p in phrasings(top.type, top_entry) if p):
        return Judgement(ANSWER, 1.0, 0.0, exact=True)
    about = topics(top.type, top_entry)
    # the same question from another department is not a rival: the chat says which departments answer it
    rivals = [
        hit
        for hit in hits[1:]
        if not (about & topics(hit.type, entry_of(hit))) and not _same_question(top, top_entry, hit, entry_of)
    ]
    rival = rivals[0] if rivals else None
    _, corrected = searcher.corrected(text)
    words = content_words(corrected or normalize_query(text))
    synonym_map = synonyms.of(store)
    share = coverage(words, entry_text(top.type, top_entry), synonym_map)
    if top.cosine > 0:

        def names_both() -> bool:  # only asked when the words would decide (a few per hundred questions)
            return rival is not None and _names_both(words, top, top_entry, rival, entry_of(rival), synonym_map)

        return _by_cosine(top, rivals, hits, entry_of, about, share if words else None, names_both)
    if share < min_related:
        return Judgement(NONE, share)
    gap = (rival.score / top.score if top.score else 1.0) if rival is not None else 0.0
    level = ANSWER if share >= min_coverage and gap < gap_ratio else CHOOSE
    if level == CHOOSE and _one_topic(hits, entry_of, about):
        level = ANSWER
    return Judgement(level, share, gap)


def _names_both(words: Sequence[str], top, top_entry: Dict, rival, rival_entry: Optional[Dict], synonym_map) -> bool:
    """A word that is not in the top entry's own phrasings but in those of the best entry about another topic:
    the citizen named both ("社保和身份证"), and words cannot decide between them."""
    if not rival_entry:
        return False
    top_text, rival_text = _phrasing_text(top.type, top_entry), _phrasing_text(rival.type, rival_entry)
    lacking = [w for w in words if not found_in(w, top_text, synonym_map)]
    return any(found_in(w, rival_text, synonym_map) for w in lacking)


def _phrasing_text(kind: str, entry: Dict) -> str:
    return fold(" ".join(phrasings(kind, entry)))


def _by_cosine(
    top, rivals, hits, entry_of, about, share: Optional[float], names_both: Callable[[], bool] = lambda: False
) -> Judgement:
    """`rivals`: the hits about another topic, best first; `share`: the coverage of the citizen's content words
    (None when the question has none); `names_both`: whether the question also names the best rival's subject
    (computed only when the words would decide)."""
    rival = rivals[0] if rivals else None
    margin = top.score - rival.score if rival is not None else 1.0
    closer = rival is None or top.cosine >= rival.cosine  # the sentence vector prefers no other topic
    # how far the sentence vector prefers the top hit to anything about another topic
    lead = top.cosine - max(h.cosine for h in rivals) if rivals else 1.0
    if share == 0.0:  # not one of the citizen's words is in the entry: the same sentence about another thing
        level = CHOOSE if top.cosine >= SURE_COSINE else NONE
    elif (
        (top.cosine >= SURE_COSINE and (lead >= NOISE_COSINE or margin >= SCORE_MARGIN))
        or (top.cosine >= ANSWER_COSINE and closer and margin >= SCORE_MARGIN)
        or (top.cosine >= LEAD_COSINE and lead >= COSINE_LEAD)
        or (
            top.cosine >= WORDS_COSINE
            and lead >= -RIVAL_SLACK
            and margin >= WORDS_MARGIN
            and share is not None
            and share >= WORDS_SHARE
            and not names_both()
        )
    ):
        level = ANSWER
    elif top.cosine < NONE_COSINE:
        level = NONE
    else:
        level = ANSWER if _one_topic(hits, entry_of, about) else CHOOSE
    return Judgement(level, share or 0.0, 1.0 - margin, cosine=top.cosine)


def _same_question(top, top_entry: Dict, hit, entry_of) -> bool:
    if top.type != "faq" or hit.type != "faq":
        return False
    other = entry_of(hit)
    return bool(other) and bare(other.get("question", "")) == bare(top_entry.get("question", ""))


def _one_topic(hits, entry_of, about) -> bool:
    """Every choice that would be shown is about the top hit's item: a menu would offer one thing."""
    choices = distinct_hits(hits)
    return bool(about) and len(choices) > 1 and all(about & topics(h.type, entry_of(h)) for h in choices[1:])


def distinct_hits(hits: Iterable, limit: int = CHOICES) -> List:
    """The first `limit` hits with distinct titles (what a choice list shows)."""
    seen, out = set(), []
    for hit in hits:
        if hit.title in seen:
            continue
        seen.add(hit.title)
        out.append(hit)
        if len(out) == limit:
            break
    return out


__all__ = [
    "bare",
    "judge",
    "Judgement",
    "ANSWER",
    "CHOOSE",
    "NONE",
    "GAP_RATIO",
    "MIN_COVERAGE",
    "topics",
    "phrasings",
    "distinct_hits",
    "names_something",
    "asked_words",
    "found_in",
]
