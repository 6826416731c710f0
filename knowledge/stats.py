"""Statistics for staff over a period: top questions, answer rate, hand-offs, satisfaction."""
from __future__ import annotations

import datetime as dt
import json
from typing import Dict, Optional

import sqlalchemy as sa

from knowledge.tables import entries, events, questions, unanswered_groups

TITLE_FIELDS = {"faq": "question", "item": "name", "package": "name", "app": "name"}


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def summary(store, since: dt.datetime, until: dt.datetime, top: int = 10) -> Dict:
    in_period = sa.and_(questions.c.at >= since, questions.c.at < until)
    events_in_period = sa.and_(events.c.at >= since, events.c.at < until)
    answered_sum = sa.func.sum(sa.case((questions.c.answered == sa.true(), 1), else_=0))
    with store.engine.connect() as conn:
        total, answered = conn.execute(sa.select(sa.func.count(), answered_sum).where(in_period)).one()
        total, answered = int(total or 0), int(answered or 0)
        top_questions = [
            {"text": row.text, "count": int(row.count), "answered": int(row.answered or 0)}
            for row in conn.execute(
                sa.select(sa.func.min(questions.c.text).label("text"), sa.func.count().label("count"),
                          answered_sum.label("answered"))
                .where(in_period).group_by(questions.c.normalized)
                .order_by(sa.func.count().desc(), sa.func.min(questions.c.text)).limit(top))
        ]
        top_entries = []
        for row in conn.execute(
                sa.select(questions.c.source_kind, questions.c.source_id, sa.func.count().label("count"))
                .where(in_period, questions.c.answered == sa.true(), questions.c.source_id != "")
                .group_by(questions.c.source_kind, questions.c.source_id)
                .order_by(sa.func.count().desc(), questions.c.source_id).limit(top)):
            data = conn.execute(sa.select(entries.c.data).where(
                entries.c.kind == row.source_kind, entries.c.id == row.source_id)).scalar()
            title = json.loads(data).get(TITLE_FIELDS.get(row.source_kind, "name"), "") if data else ""
            top_entries.append({"type": row.source_kind, "id": row.source_id, "title": title, "count": int(row.count)})
        handoffs = {row.name: int(row.count) for row in conn.execute(
            sa.select(events.c.name, sa.func.count().label("count"))
            .where(events_in_period, events.c.event == "handoff").group_by(events.c.name).order_by(events.c.name))}
        scores = {int(row.value): int(row.count) for row in conn.execute(
            sa.select(events.c.value, sa.func.count().label("count"))
            .where(events_in_period, events.c.event == "rating").group_by(events.c.value))}
        open_groups = int(conn.execute(sa.select(sa.func.count()).select_from(unanswered_groups).where(
            unanswered_groups.c.state == "open")).scalar_one())
    ratings = sum(scores.values())
    return {
        "since": since, "until": until,
        "questions": {"total": total, "answered": answered, "unanswered": total - answered,
                      "answer_rate": _rate(answered, total)},
        "top_questions": top_questions,
        "top_entries": top_entries,
        "handoffs": {"total": sum(handoffs.values()), "by_target": handoffs,
                     "rate": _rate(sum(handoffs.values()), total)},
        "satisfaction": {"ratings": ratings,
                         "average": round(sum(k * v for k, v in scores.items()) / ratings, 2) if ratings else None,
                         "satisfied_rate": _rate(sum(v for k, v in scores.items() if k >= 4), ratings),
                         "by_score": {str(k): scores.get(k, 0) for k in range(1, 6)}},
        "unanswered_open_groups": open_groups,
    }
