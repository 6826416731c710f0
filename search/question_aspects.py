"""What a question asks about its matter — the time, the place, the materials, the fee, the conditions … — read
from its wording, for a question typed by a citizen and for a FAQ's own question alike.

A FAQ base holds several questions about one programme ("…要向哪个单位申请", "…应检附文件为何", "…需要多久");
the sentence vector says which programme, much less which of its questions. When a FAQ's question asks the
same kind of thing as the citizen ("防走失手环去哪申请" and "长者预防走失手链向哪个单位申请？"), the fused
ranking (search/searcher.py) adds AGREEMENT_WEIGHT to it; nothing is taken away when they differ, since a
question often asks two things and the patterns cannot see every way of asking. Weight chosen on the dev
parts of both quality sets (figures: benchmarks/README.md, "外部质量").

Each aspect is one bit of a mask, so a document's aspects are stored as one small integer.
"""

from __future__ import annotations

import re
import threading
from typing import Dict, List, Tuple

import numpy as np

from search.documents import decode_phrasings
from search.normalize import normalize_query

AGREEMENT_WEIGHT = 0.015

# Simplified Chinese as both sides are normalised; ways of asking common to mainland and Taiwan FAQ bases
# ("应检附文件为何", "向哪个单位申请", "资格为何"). Bare 怎么/如何 are left out: nearly every question has them.
PATTERNS: Tuple[Tuple[str, str], ...] = (
    ("materials", r"材料|文件|证件|资料|带什么|带啥|带哪些|备何|检附|附件|要准备|准备什么|准备哪些|书表|表格"),
    ("fee", r"费用|收费|多少钱|要钱|花钱|掏钱|收钱|免费|自费|付费|计费|怎么算钱|违约金"),
    ("amount", r"多少|金额|额度|补多少|给多少|领多少|交多少|几成|比例|标准"),
    ("time", r"多久|多长时间|几天|时限|何时|什么时候|啥时候|几月|几点|时间|期限|日期|哪天|几号|截止"),
    (
        "place",
        r"哪里|哪儿|在哪|去哪|何处|哪个单位|哪个机关|哪个部门|向谁|找谁|窗口|地址|地点|管道|哪家|何单位|那个单位|"
        r"哪些医院|哪些地方",
    ),
    ("conditions", r"条件|资格|符合|哪些人|谁可以|谁能|对象|限制"),
    (
        "how",
        r"怎么办|怎么弄|咋办|咋弄|怎么整|如何办理|如何申请|流程|步骤|程序|方式|手续|怎么申请|怎么申办|如何申办|怎么做|"
        r"如何处理|怎么处理",
    ),
    ("difference", r"区别|不同|差别|差异|一样吗|不一样"),
    ("why", r"为什么|为啥|凭什么|何以"),
    ("contact", r"电话|联系|联络|客服|专线"),
)
_COMPILED = tuple((1 << bit, re.compile(pattern)) for bit, (_, pattern) in enumerate(PATTERNS))
ASPECT_BITS: Dict[str, int] = {name: 1 << bit for bit, (name, _) in enumerate(PATTERNS)}


def aspects_of(text: str) -> int:
    """The aspects `text` asks, as a bit mask (0: none recognised)."""
    folded = normalize_query(text or "")
    mask = 0
    for bit, pattern in _COMPILED:
        if pattern.search(folded):
            mask |= bit
    return mask


def names_of(mask: int) -> List[str]:
    return [name for name, bit in ASPECT_BITS.items() if mask & bit]


_segment_masks: Dict[tuple, np.ndarray] = {}
_segment_masks_lock = threading.Lock()


def _masks_of_segment(generation: str, segreader, kinds) -> np.ndarray:
    """Per document of one segment: the aspects of a FAQ's own question (0 for other kinds). Read once per
    process and segment (segments never change)."""
    key = (generation, segreader.segment().segment_id())
    with _segment_masks_lock:
        cached = _segment_masks.get(key)
    if cached is not None:
        return cached
    masks = np.zeros(segreader.doc_count_all(), dtype=np.int32)
    if segreader.has_column("phrasings"):
        for docnum, raw in enumerate(segreader.column_reader("phrasings")):
            if kinds[docnum] == "faq" and raw:
                texts = decode_phrasings(raw)
                masks[docnum] = aspects_of(texts[0]) if texts else 0
    with _segment_masks_lock:
        if len(_segment_masks) > 128:
            _segment_masks.clear()
        _segment_masks[key] = masks
    return masks


def document_masks(generation: str, reader, kinds: np.ndarray) -> np.ndarray:
    """Per global document number of a reader: the aspects its FAQ question asks."""
    parts = []
    for segreader, offset in reader.leaf_readers():
        size = segreader.doc_count_all()
        parts.append(_masks_of_segment(generation, segreader, kinds[offset : offset + size]))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


__all__ = ["aspects_of", "names_of", "document_masks", "AGREEMENT_WEIGHT", "ASPECT_BITS", "PATTERNS"]
