"""A readable part of a long answer: what chat shows before "the rest" (GET /kb/faqs/{id})."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

EXCERPT_LENGTH = 300
# Ends of a sentence or clause, strongest first: a paragraph break, then 。！？； and their ASCII forms.
_PARAGRAPH = re.compile(r"\n\s*\n|\n")
_SENTENCE = re.compile(r"[。！？!?；;…]+[”’」』）)]*")
_CLAUSE = re.compile(r"[，,、：:]")


@dataclass(frozen=True)
class Excerpt:
    text: str
    truncated: bool  # True: the answer goes on (show the way to the rest)


def excerpt(answer: str, length: int = EXCERPT_LENGTH) -> Excerpt:
    """The start of `answer`, about `length` characters, cut at a paragraph end, else a sentence end,
    else a clause end, else hard at `length`; whole when it is not longer than about `length` (+20 %)."""
    text = (answer or "").strip()
    if len(text) <= length * 1.2:
        return Excerpt(text, False)
    window = text[: length + 1]
    floor = length // 2  # never cut so early that little is shown
    for pattern in (_PARAGRAPH, _SENTENCE):
        ends = [m.end() for m in pattern.finditer(window) if floor <= m.end() <= length]
        if ends:
            return Excerpt(text[: ends[-1]].rstrip(), True)
    ends = [m.end() for m in _CLAUSE.finditer(window) if floor <= m.end() <= length]
    cut = ends[-1] if ends else length
    return Excerpt(text[:cut].rstrip("，,、：: ") + "……", True)


def full_answer_path(faq_id: str) -> str:
    """Where a citizen reads a FAQ whole: the gateway's GET /kb/faqs/{id} (id URL-encoded, "/" included)."""
    return "/kb/faqs/" + quote(faq_id, safe="")
