"""Statistics for staff over a period: top questions, answer rate, hand-offs, satisfaction, and the
有帮助 / 没帮助 citizens gave individual answers (which entries need work first)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Dict, Optional

import sqlalchemy as sa

from knowledge.feedback import ANSWER_FEEDBACK, CHOSEN, OFFERED
from knowledge.tables import entries, events, questions, unanswered_groups

TITLE_FIELDS = {"faq": "question", "item": "name", "package": "name", "app": "name"}


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _title(conn, kind: str, entry_id: str) -> str:
    data = conn.execute(sa.select(entries.c.data).where(entries.c.kind == kind, entries.c.id == entry_id)).scalar()
    return json.loads(data).get(TITLE_FIELDS.get(kind, "name"), "") if data else ""


def answer_feedback(conn, events_in_period, top: int) -> Dict:
    """有帮助 / 没帮助 counts, and per entry — the most 没帮助 first."""
    by_entry: Dict[str, Dict[str, int]] = {}
    for row in conn.execute(
        sa.select(events.c.name, events.c.value, sa.func.count().label("count"))
        .where(events_in_period, events.c.event == ANSWER_FEEDBACK)
        .group_by(events.c.name, events.c.value)
    ):
        counts = by_entry.setdefault(row.name, {"helpful": 0, "not_helpful": 0})
        counts["helpful" if int(row.value) else "not_helpful"] += int(row.count)
    helpful = sum(c["helpful"] for c in by_entry.values())
    not_helpful = sum(c["not_helpful"] for c in by_entry.values())
    ranked = sorted(by_entry.items(), key=lambda kv: (-kv[1]["not_helpful"], kv[1]["helpful"], kv[0]))[:top]
    listed = []
    for name, counts in ranked:
        kind, _, entry_id = name.partition(":")
        listed.append({"type": kind, "id": entry_id, "title": _title(conn, kind, entry_id), **counts})
    return {
        "helpful": helpful,
        "not_helpful": not_helpful,
        "helpful_rate": _rate(helpful, helpful + not_helpful),
        "by_entry": listed,
    }


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
                sa.select(
                    sa.func.min(questions.c.text).label("text"),
                    sa.func.count().label("count"),
                    answered_sum.label("answered"),
                )
                .where(in_period)
                .group_by(questions.c.normalized)
                .order_by(sa.func.count().desc(), sa.func.min(questions.c.text))
                .limit(top)
            )
        ]
        top_entries = []
        for row in conn.execute(
            sa.select(questions.c.source_kind, questions.c.source_id, sa.func.count().label("count"))
            .where(in_period, questions.c.answered == sa.true(), questions.c.source_id != "")
            .group_by(questions.c.source_kind, questions.c.source_id)
            .order_by(sa.func.count().desc(), questions.c.source_id)
            .limit(top)
        ):
            title = _title(conn, row.source_kind, row.source_id)
            top_entries.append({"type": row.source_kind, "id": row.source_id, "title": title, "count": int(row.count)})
        handoffs = {
            row.name: int(row.count)
            for row in conn.execute(
                sa.select(events.c.name, sa.func.count().label("count"))
                .where(events_in_period, events.c.event == "handoff")
                .group_by(events.c.name)
                .order_by(events.c.name)
            )
        }
        scores = {
            int(row.value): int(row.count)
            for row in conn.execute(
                sa.select(events.c.value, sa.func.count().label("count"))
                .where(events_in_period, events.c.event == "rating")
                .group_by(events.c.value)
            )
        }
        feedback = answer_feedback(conn, events_in_period, top)
        open_groups = int(
            conn.execute(
                sa.select(sa.func.count()).select_from(unanswered_groups).where(unanswered_groups.c.state == "open")
            ).scalar_one()
        )
    ratings = sum(scores.values())
    return {
        "since": since,
        "until": until,
        "questions": {
            "total": total,
            "answered": answered,
            "unanswered": total - answered,
            "answer_rate": _rate(answered, total),
        },
        "top_questions": top_questions,
        "top_entries": top_entries,
        "handoffs": {
            "total": sum(handoffs.values()),
            "by_target": handoffs,
            "rate": _rate(sum(handoffs.values()), total),
        },
        "satisfaction": {
            "ratings": ratings,
            "average": round(sum(k * v for k, v in scores.items()) / ratings, 2) if ratings else None,
            "satisfied_rate": _rate(sum(v for k, v in scores.items() if k >= 4), ratings),
            "by_score": {str(k): scores.get(k, 0) for k in range(1, 6)},
        },
        "answer_feedback": feedback,
        "unanswered_open_groups": open_groups,
    }


def entry_stats(store, since: dt.datetime, until: dt.datetime) -> Dict:
    """Per published entry over the period: how often it answered a question, 有帮助 / 没帮助, how often it was
    offered among numbered choices and how often picked from them (offered but not chosen = the difference);
    and the entries that were neither answered nor offered at all (never hit)."""
    counts: Dict[str, Dict[str, int]] = {}

    def add(ref: str, field: str, n: int) -> None:
        counts.setdefault(ref, {"answered": 0, "helpful": 0, "not_helpful": 0, "offered": 0, "chosen": 0})
        counts[ref][field] += n

    with store.engine.connect() as conn:
        for row in conn.execute(
            sa.select(questions.c.source_kind, questions.c.source_id, sa.func.count().label("n"))
            .where(questions.c.at >= since, questions.c.at < until, questions.c.source_id != "")
            .where(questions.c.answered == sa.true())
            .group_by(questions.c.source_kind, questions.c.source_id)
        ):
            add(f"{row.source_kind}:{row.source_id}", "answered", int(row.n))
        for row in conn.execute(
            sa.select(events.c.event, events.c.name, events.c.value, sa.func.count().label("n"))
            .where(events.c.at >= since, events.c.at < until)
            .where(events.c.event.in_([ANSWER_FEEDBACK, OFFERED, CHOSEN]))
            .group_by(events.c.event, events.c.name, events.c.value)
        ):
            if row.event == ANSWER_FEEDBACK:
                add(row.name, "helpful" if int(row.value) else "not_helpful", int(row.n))
            else:
                add(row.name, row.event, int(row.n))
        published = [
            (row.kind, row.id, json.loads(row.data))
            for row in conn.execute(
                sa.select(entries.c.kind, entries.c.id, entries.c.data).where(entries.c.kind.in_(list(TITLE_FIELDS)))
            )
        ]
    listed, never = [], []
    for kind, entry_id, data in published:
        if data.get("status", "published") != "published":
            continue
        ref = f"{kind}:{entry_id}"
        title = data.get(TITLE_FIELDS.get(kind, "name"), "")
        seen = counts.get(ref)
        if not seen or not (seen["answered"] or seen["offered"]):
            never.append({"type": kind, "id": entry_id, "title": title})
        if seen:
            not_chosen = max(seen["offered"] - seen["chosen"], 0)
            listed.append({"type": kind, "id": entry_id, "title": title, **seen, "offered_not_chosen": not_chosen})
    listed.sort(key=lambda e: (-e["answered"], -e["not_helpful"], e["type"], e["id"]))
    never.sort(key=lambda e: (e["type"], e["id"]))
    return {"entries": listed, "never_hit": never}
