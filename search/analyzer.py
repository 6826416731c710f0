"""The Chinese analyzer of the index and its user dictionary (names from the knowledge base).

jieba (search mode: a long word also yields its dictionary sub-words, 居民身份证 → 居民, 身份, 身份证,
居民身份证) after NFKC folding and lower-casing, with question particles dropped. jieba's dictionary
is process-global: every process that opens the index calls `load_user_words` with the words stored
beside the index, so the gateway and the action server segment alike.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Iterable, List

import jieba
from jieba.analyse.analyzer import STOP_WORDS, ChineseTokenizer
from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter
from whoosh.lang.porter import stem

from search.normalize import fold

jieba.setLogLevel(logging.WARNING)
_loaded: set = set()
_lock = threading.Lock()

# Particles and fillers of spoken questions: they say nothing about what is asked.
QUESTION_PARTICLES = frozenset("吗 呢 吧 啊 呀 嘛 哦 哈 呗 请问 一下 您好 你好".split())


def load_user_words(words: Iterable[str]) -> int:
    """Adds words to jieba's dictionary once per process; returns how many were new."""
    added = 0
    with _lock:
        for word in words:
            word = word.strip()
            if len(word) >= 2 and word not in _loaded:
                jieba.add_word(word, freq=2000)
                _loaded.add(word)
                added += 1
    if added:
        _cached_tokens.cache_clear()
    return added


class FoldingChineseTokenizer(ChineseTokenizer):
    """jieba's search-mode tokenizer on NFKC-folded, lower-cased text (full-width → half-width)."""

    def __call__(self, text, **kwargs):
        return super().__call__(fold(text), **kwargs)


@functools.lru_cache(maxsize=1)
def build_analyzer():
    return (
        FoldingChineseTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS | QUESTION_PARTICLES, minsize=1)
        | StemFilter(stemfn=stem, ignore=None, cachesize=50000)
    )


@functools.lru_cache(maxsize=4096)
def _cached_tokens(text: str) -> tuple:
    return tuple(t.text for t in build_analyzer()(text))


def tokens(text: str) -> List[str]:
    """The analyzer's terms for `text`, in order (what a query is matched with)."""
    return list(_cached_tokens(text))
