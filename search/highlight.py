"""Snippets: the part of a document's text that holds most of the query's words, with those words marked.

`snippet` is plain text (what a text-only channel shows); `highlight` is the same text HTML-escaped with
the matched words in <em>…</em>. Matching is by substring on the folded text, so the overlapping tokens
of jieba's search mode ("身份", "身份证") mark one span, the longest.
"""

from __future__ import annotations

import html
import re
from typing import Iterable, List, Tuple

from search.normalize import fold

SNIPPET_CHARS = 80
LEAD_CHARS = 12
_FULL_WIDTH = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")  # full-width digits and letters


def _spans(text: str, terms: Iterable[str]) -> List[Tuple[int, int]]:
    folded = text.lower()
    if _FULL_WIDTH.search(text):  # full-width letters and digits match their folded query terms
        candidate = fold(text)
        if len(candidate) == len(text):
            folded = candidate
    spans = []
    for term in {t for t in terms if t}:
        start = folded.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    spans.sort()
    merged: List[Tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(text: str, spans: List[Tuple[int, int]], length: int) -> int:
    """Start of the window of `length` characters covering the most matched characters."""
    if not spans or len(text) <= length:
        return 0
    best_start, best_cover = 0, -1
    for anchor, _ in spans:
        start = max(0, min(anchor - LEAD_CHARS, len(text) - length))
        cover = sum(min(e, start + length) - max(s, start) for s, e in spans if e > start and s < start + length)
        if cover > best_cover:
            best_start, best_cover = start, cover
    return best_start


def snippet(text: str, terms: Iterable[str], length: int = SNIPPET_CHARS) -> Tuple[str, str]:
    """(plain snippet, highlighted HTML snippet) of `text` for the query terms."""
    text = " ".join(text.split())
    spans = _spans(text, terms)
    start = _best_window(text, spans, length)
    end = min(len(text), start + length)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    plain = prefix + text[start:end] + suffix
    marked, cursor = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        marked.append(html.escape(text[cursor:s]))
        marked.append("<em>" + html.escape(text[s:e]) + "</em>")
        cursor = e
    marked.append(html.escape(text[cursor:end]))
    return plain, prefix + "".join(marked) + suffix
