"""GET /api/search: one search over items, FAQs, life-event packages and apps."""
from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from gateway.deps import Resources, resources
from gateway.schemas import SearchResponse
from search.searcher import IndexMissing

router = APIRouter()

KINDS = ("item", "faq", "package", "app")


@router.get("/api/search", response_model=SearchResponse, summary="搜索事项、常见问题、一件事与便民应用")
def search(
    q: str = Query(..., min_length=1, max_length=100, description="搜索词"),
    type: Optional[str] = Query(None, description="item | faq | package | app"),
    region: Optional[str] = Query(None, max_length=32, description="地区（市或县）"),
    limit: int = Query(10, ge=1, le=50),
    res: Resources = Depends(resources),
) -> dict:
    query = q.strip()
    if not query:
        raise HTTPException(422, "请求参数有误：q（搜索词）不能为空")
    if type is not None and type not in KINDS:
        raise HTTPException(422, "请求参数有误：type（类型）只能是 item、faq、package 或 app")
    try:
        hits = res.searcher.search(query, kind=type, limit=limit)
    except IndexMissing:
        raise HTTPException(503, "搜索索引尚未建立，请稍后再试")
    return {"query": query, "total": len(hits), "results": [h.as_dict() for h in hits], "suggestion": None}
