"""/admin/stats: top questions, answer rate, hand-offs, satisfaction and 有帮助/没帮助 per answer over a period,
and 转人工 (the live agents' sessions, gateway/live/stats.py)."""

from __future__ import annotations

import datetime as dt
from typing import Dict, Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from gateway.live import stats as live_stats
from gateway.routes.admin.deps import AdminServices, allow, services
from knowledge import stats as kb_stats

router = APIRouter(prefix="/admin/stats", tags=["管理：统计"])


@router.get("", summary="统计：热门问题、回答率、转办、满意度、答案有无帮助、人工客服", **allow("read"))
def summary(
    since: Optional[dt.date] = Query(None, description="起始日期（含），默认 30 天前"),
    until: Optional[dt.date] = Query(None, description="结束日期（含），默认今天"),
    top: int = Query(10, ge=1, le=100),
    admin: AdminServices = Depends(services),
) -> Dict:
    today = dt.datetime.utcnow().date()
    until = until or today
    since = since or until - dt.timedelta(days=29)
    if since > until:
        raise HTTPException(422, "起始日期不能晚于结束日期")
    start = dt.datetime.combine(since, dt.time())
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    result = kb_stats.summary(admin.store, start, end, top=top)
    result["live"] = live_stats.summary(admin.store.engine, start, end)
    result["since"], result["until"] = since, until
    return result


@router.get(
    "/entries", summary="每个条目：作答次数、有无帮助、被列为选项与被选中的次数；期间从未命中的条目", **allow("read")
)
def entries(
    days: int = Query(30, ge=1, le=366, description="统计最近多少天（默认 30）"),
    limit: int = Query(100, ge=1, le=1000, description="每个列表最多列出多少条"),
    admin: AdminServices = Depends(services),
) -> Dict:
    end = dt.datetime.utcnow()
    result = kb_stats.entry_stats(admin.store, end - dt.timedelta(days=days), end)
    return {
        "days": days,
        "total": len(result["entries"]),
        "never_hit_total": len(result["never_hit"]),
        "entries": result["entries"][:limit],
        "never_hit": result["never_hit"][:limit],
    }
