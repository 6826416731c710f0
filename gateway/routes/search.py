"""GET /api/search (one search over items, FAQs, life-event packages and apps) and GET /api/search/suggest
(autocomplete for the search box).

The contract's fields (`query`, `total`, `results[type,id,title,snippet,score]`, `suggestion`) come first;
each result adds `highlight` (the snippet, HTML-escaped, matched words in <em>), and the response adds
`facets` (counts by type, region, department and 掌上可办, each counted with the other filters applied).
"""

from __future__ import annotations

from typing import Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from gateway.address_limits import limit_by_address
from gateway.resources import Resources, resources
from search.searcher import KINDS, IndexMissing

# A question as long as an FAQ question may be (500 characters, knowledge/schema.py) can be searched: staff
# paste long imported questions, and citizens paste whole 12345 messages.
MAX_QUERY_CHARS = 500

router = APIRouter()

TRUE_WORDS = {"true", "1", "yes", "是"}
FALSE_WORDS = {"false", "0", "no", "否"}
INDEX_MISSING = "搜索索引尚未建立，请稍后再试"


class SearchResult(BaseModel):
    type: str
    id: str
    title: str
    snippet: str
    score: float
    highlight: str = Field("", description="摘要（HTML 转义），命中的词以 <em> 标出")


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class SearchResponse(BaseModel):
    query: str
    total: int
    results: List[SearchResult]
    suggestion: Optional[str] = Field(None, description="“您是不是要找”的建议词")
    facets: Dict[str, List[FacetValue]] = Field(
        default_factory=dict, description="分面计数：type、region、department、online"
    )


class SuggestResponse(BaseModel):
    query: str
    suggestions: List[str]


def _online(value: Optional[str]) -> Optional[bool]:
    if value is None or value.strip() == "":
        return None
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise HTTPException(422, "请求参数有误：online（掌上可办）应为 true 或 false")


def _department(value: Optional[str], known: Dict[str, str]) -> Optional[str]:
    """A department id, given its id or its name."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value in known:
        return value
    for department_id, name in known.items():
        if name == value:
            return department_id
    raise HTTPException(422, f"请求参数有误：department（部门）不存在：{value}")


def _facet_key(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@router.get(
    "/api/search",
    response_model=SearchResponse,
    summary="搜索事项、常见问题、一件事与便民应用",
    dependencies=[Depends(limit_by_address("search"))],
)
async def search(
    q: str = Query(..., min_length=1, max_length=MAX_QUERY_CHARS, description="搜索词（可输入拼音、简拼、繁体）"),
    type: Optional[str] = Query(None, description="item | faq | package | app"),
    region: Optional[str] = Query(None, max_length=32, description="地区（市或县区），只看该地可办的"),
    department: Optional[str] = Query(None, max_length=64, description="部门编号或名称"),
    online: Optional[str] = Query(None, max_length=8, description="掌上可办：true | false"),
    limit: int = Query(10, ge=1, le=50),
    res: Resources = Depends(resources),
) -> dict:
    query = q.strip()
    if not query:
        raise HTTPException(422, "请求参数有误：q（搜索词）不能为空")
    if type is not None and type not in KINDS:
        raise HTTPException(422, "请求参数有误：type（类型）只能是 item、faq、package 或 app")
    online_flag = _online(online)
    try:
        regions = await run_in_threadpool(res.searcher.regions)
        departments = await run_in_threadpool(res.searcher.departments)
        region_name = region.strip() if region and region.strip() else None
        if region_name and region_name not in regions:
            raise HTTPException(422, f"请求参数有误：region（地区）不是本省的市或县区：{region_name}")
        page = await run_in_threadpool(
            res.searcher.search_page,
            query,
            kind=type,
            region=region_name,
            department=_department(department, departments),
            online=online_flag,
            limit=limit,
        )
    except IndexMissing:
        raise HTTPException(503, INDEX_MISSING) from None
    facets = {name: [{**row, "value": _facet_key(row["value"])} for row in rows] for name, rows in page.facets.items()}
    return {
        "query": query,
        "total": page.total,
        "results": [h.as_dict() for h in page.hits],
        "suggestion": page.suggestion,
        "facets": facets,
    }


@router.get(
    "/api/search/suggest",
    response_model=SuggestResponse,
    summary="搜索框输入提示（前缀补全）",
    dependencies=[Depends(limit_by_address("search"))],
)
async def suggest(
    q: str = Query(..., min_length=1, max_length=50, description="已输入的文字（汉字、拼音或简拼）"),
    limit: int = Query(8, ge=1, le=20),
    res: Resources = Depends(resources),
) -> dict:
    try:
        suggestions = await run_in_threadpool(res.searcher.suggest, q, limit)
    except IndexMissing:
        raise HTTPException(503, INDEX_MISSING) from None
    return {"query": q.strip(), "suggestions": suggestions}
