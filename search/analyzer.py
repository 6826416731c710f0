"""The Chinese analyzer of the index and its user dictionary (names from the knowledge base).

jieba's dictionary is process-global: every process that opens the index calls `load_user_words`
with the words stored beside the index, so the gateway and the action server segment alike.
"""
from __future__ import annotations

import logging
import threading
from typing import Iterable

import jieba
from jieba.analyse.analyzer import ChineseAnalyzer

jieba.setLogLevel(logging.WARNING)
_loaded: set = set()
_lock = threading.Lock()


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
    return added


def build_analyzer():
    return ChineseAnalyzer()


def tokens(text: str) -> list:
    """The analyzer's terms for `text`, in order (what a query is matched with)."""
    analyzer = build_analyzer()
    return [t.text for t in analyzer(text)]
