"""What citizens type, made comparable with the index: full-width → half-width, traditional → simplified,
lower case, emoji and punctuation noise removed.

Only the query goes through traditional → simplified (documents are written by staff in simplified
Chinese); both documents and queries go through `fold` (NFKC + lower case), so "ＡＰＰ" and "app" match.
"""

from __future__ import annotations

import re
import unicodedata

from opencc import OpenCC

_TO_SIMPLIFIED = OpenCC("t2s")
# What a query keeps: CJK ideographs, ASCII letters and digits. Everything else (emoji, punctuation,
# symbols, spaces of all widths) separates words.
_NOISE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z0-9]+")
_LATIN_RUN = re.compile(r"[a-z]+")


def fold(text: str) -> str:
    """Full-width forms to half-width (NFKC) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def to_simplified(text: str) -> str:
    return _TO_SIMPLIFIED.convert(text)


def clean(text: str) -> str:
    """Folded, emoji and punctuation replaced by single spaces (still as typed otherwise)."""
    return " ".join(_NOISE.sub(" ", fold(text)).split())


def normalize_query(text: str) -> str:
    """The query as the index sees it: folded, simplified, noise replaced by single spaces."""
    return to_simplified(clean(text))


def latin_runs(text: str):
    """(start, end, run) of every run of ASCII letters."""
    return [(m.start(), m.end(), m.group()) for m in _LATIN_RUN.finditer(text)]
