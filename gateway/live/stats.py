"""Statistics of 转人工 over a period, for GET /admin/stats: over the chat sessions created in [start, end) —
how many, how many an agent took, how long citizens waited (queued → taken) and how long until the agent's
first reply (taken → first reply), conversations per agent, the share resolved among the sessions an agent
closed, the citizens' ratings; and the 离线留言 tickets left in the period, open and answered.

Read only: when the live tables do not exist yet (no gateway has started a LiveDesk on this database), every
figure is zero."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Dict, List, Optional

import sqlalchemy as sa

from gateway.live.tables import sessions

RATING_NAMES = {5: "满意", 3: "基本满意", 1: "不满意"}
CLOSED_BY_AGENT = ("resolved", "unresolved")


def _seconds(pairs) -> Dict[str, Optional[float]]:
    """Mean and median of (later - earlier) in seconds, over the pairs where both are known."""
    values = [max(0.0, (later - earlier).total_seconds()) for earlier, later in pairs if earlier and later]
    if not values:
        return {"count": 0, "mean": None, "median": None}
    return {
        "count": len(values),
        "mean": round(statistics.fmean(values), 1),
        "median": round(statistics.median(values), 1),
    }


def _rate(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _rows(engine: sa.engine.Engine, start: dt.datetime, end: dt.datetime) -> List:
    if not sa.inspect(engine).has_table(sessions.name):
        return []
    columns = [
        sessions.c.kind,
        sessions.c.status,
        sessions.c.agent,
        sessions.c.agent_key,
        sessions.c.queued_at,
        sessions.c.taken_at,
        sessions.c.first_response_at,
        sessions.c.outcome,
        sessions.c.rating,
    ]
    with engine.connect() as conn:
        return conn.execute(
            sa.select(*columns)
            .where(sessions.c.created_at >= start, sessions.c.created_at < end)
            .order_by(sessions.c.id)
        ).all()


def summary(engine: sa.engine.Engine, start: dt.datetime, end: dt.datetime) -> Dict:
    rows = _rows(engine, start, end)
    chats = [r for r in rows if r.kind == "chat"]
    tickets = [r for r in rows if r.kind == "ticket"]
    taken = [r for r in chats if r.taken_at is not None]

    per_agent: Dict[str, Dict] = {}
    for r in taken:
        counts = per_agent.setdefault(r.agent_key or "", {"agent": r.agent or "", "conversations": 0, "resolved": 0})
        counts["conversations"] += 1
        counts["resolved"] += int(r.status == "closed" and r.outcome == "resolved")
    by_agent = sorted(per_agent.values(), key=lambda a: (-a["conversations"], a["agent"]))

    closed_by_agent = [r for r in chats if r.status == "closed" and r.outcome in CLOSED_BY_AGENT]
    resolved = sum(r.outcome == "resolved" for r in closed_by_agent)
    outcomes: Dict[str, int] = {}
    for r in chats:
        if r.status == "closed":
            outcomes[r.outcome or "unknown"] = outcomes.get(r.outcome or "unknown", 0) + 1

    rated = [r.rating for r in chats if r.rating in RATING_NAMES]
    return {
        "sessions": len(chats),
        "taken": len(taken),
        "waiting": sum(r.status == "waiting" for r in chats),
        "active": sum(r.status == "active" for r in chats),
        "cancelled": sum(r.status == "cancelled" for r in chats),
        "outcomes": dict(sorted(outcomes.items())),
        "wait_seconds": _seconds((r.queued_at, r.taken_at) for r in taken),
        "first_response_seconds": _seconds((r.taken_at, r.first_response_at) for r in taken),
        "by_agent": by_agent,
        "closed_by_agent": len(closed_by_agent),
        "resolved": resolved,
        "resolved_rate": _rate(resolved, len(closed_by_agent)),
        "ratings": {
            "total": len(rated),
            "by_rating": {name: rated.count(value) for value, name in RATING_NAMES.items()},
            "mean": round(statistics.fmean(rated), 2) if rated else None,
        },
        "tickets": {
            "total": len(tickets),
            "open": sum(r.status == "open" for r in tickets),
            "answered": sum(r.status == "answered" for r in tickets),
        },
    }
