"""Dialect and colloquial function words of a citizen's question in plain Mandarin, for the sentence vector only.

The e5 model reads "俺娃今年16了 头一回办身份证得带啥" worse than "我孩子今年16了 头一回办身份证得带什么": it has seen
little northern dialect, and the entries' own phrasings are written in plain Mandarin. The words below are the
common ones of the provinces this project serves (Shanxi, Ningxia, Yunnan and their neighbours): pronouns, kin
terms and question words, none of which names a service. The lexical channel is not changed (these words are
question words or carry no weight there), nor are the entries' phrasings. Measured on the dev parts of the
quality sets (benchmarks/README.md): the sample base's colloquial sets gain, the Taipei sets do not change.
"""

from __future__ import annotations

import re

# Longest first where one contains another (咋整 before 咋).
PLAIN = (
    ("咋整", "怎么办"),
    ("咋弄", "怎么办"),
    ("咋办", "怎么办"),
    ("咋个", "怎么"),
    ("咋", "怎么"),
    ("啥时候", "什么时候"),
    ("多会儿", "什么时候"),
    ("啥", "什么"),
    ("俺们", "我们"),
    ("俺", "我"),
    ("娃娃", "孩子"),
    ("娃子", "孩子"),
    ("娃", "孩子"),
    ("闺女", "女儿"),
    ("老汉", "老人"),
    ("婆姨", "妻子"),
    ("媳妇", "妻子"),
    ("老婆", "妻子"),
    ("中不中", "行不行"),
    ("晓得", "知道"),
    ("莫得", "没有"),
    ("没得", "没有"),
)
_PATTERN = re.compile("|".join(re.escape(word) for word, _ in PLAIN))
_TO = dict(PLAIN)


def plain(text: str) -> str:
    """`text` (already normalised: simplified) with the dialect words above in plain Mandarin."""
    return _PATTERN.sub(lambda match: _TO[match.group(0)], text)


__all__ = ["plain", "PLAIN"]
