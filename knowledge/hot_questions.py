"""This week's 热门问题 for the welcome and the chat greeting: the published entries citizens' questions were
answered from most often in the last `DAYS` days, each shown as citizens ask it (a FAQ's question, an item's
first alias), topped up with the high-frequency items (one per department in turn) when there are too few.

The texts are the entries' own phrasings, never what a citizen typed, so nothing personal is shown.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Dict, List, Optional

import sqlalchemy as sa

from knowledge.tables import questions

DAYS = 7
LIMIT = 6
MIN_ASKS = 2  # an entry asked about once in a week is not "hot"


@dataclass(frozen=True)
class HotQuestion:
    text: str
    kind: str
    id: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"


def phrasing(kind: str, entry: Dict) -> str:
    """How citizens ask for an entry: a FAQ's question; an item's, 一件事's or app's first alias, else its name."""
    if kind == "faq":
        return entry.get("question") or entry["id"]
    return (list(entry.get("aliases") or []) + [entry.get("name") or entry["id"]])[0]


def _published(entry: Optional[Dict]) -> bool:
    return bool(entry) and entry.get("status", "published") == "published"


def high_frequency_items(store) -> List[HotQuestion]:
    """High-frequency items, one per department in turn (so one department does not fill the list)."""
    by_department: "OrderedDict[str, List[Dict]]" = OrderedDict()
    for item in sorted(store.iter_entries("item"), key=lambda e: e["id"]):
        if item.get("high_frequency"):
            by_department.setdefault(item.get("department", ""), []).append(item)
    out: List[HotQuestion] = []
    while any(by_department.values()):
        for items in by_department.values():
            if items:
                item = items.pop(0)
                out.append(HotQuestion(phrasing("item", item), "item", item["id"]))
    return out


def most_answered(store, since: dt.datetime, limit: int, min_asks: int = MIN_ASKS) -> List[HotQuestion]:
    """Published entries answered most often since `since` (ties: the most recently asked first)."""
    count = sa.func.count().label("count")
    query = (
        sa.select(questions.c.source_kind, questions.c.source_id, count, sa.func.max(questions.c.at).label("last"))
        .where(questions.c.at >= since, questions.c.answered == sa.true(), questions.c.source_id != "")
        .group_by(questions.c.source_kind, questions.c.source_id)
        .having(sa.func.count() >= min_asks)
        .order_by(count.desc(), sa.desc("last"), questions.c.source_id)
        .limit(limit * 3)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    found = store.get_many((row.source_kind, row.source_id) for row in rows)
    out = []
    for row in rows:
        entry = found.get((row.source_kind, row.source_id))
        if _published(entry):
            out.append(HotQuestion(phrasing(row.source_kind, entry), row.source_kind, row.source_id))
    return out


def hot_questions(store, limit: int = LIMIT, days: int = DAYS, now: Optional[dt.datetime] = None) -> List[HotQuestion]:
    since = (now or dt.datetime.utcnow()) - dt.timedelta(days=days)
    chosen: List[HotQuestion] = []
    texts, refs = set(), set()
    for source in (lambda: most_answered(store, since, limit), lambda: high_frequency_items(store)):
        for candidate in source():
            if len(chosen) >= limit:
                return chosen
            if candidate.text not in texts and candidate.ref not in refs:
                texts.add(candidate.text)
                refs.add(candidate.ref)
                chosen.append(candidate)
    return chosen


__all__ = ["HotQuestion", "hot_questions", "high_frequency_items", "most_answered", "phrasing", "DAYS", "LIMIT"]
