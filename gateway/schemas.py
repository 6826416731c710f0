"""Request and response bodies of the public API (pydantic 1.10, strict types: no silent coercion)."""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field, StrictBool, StrictStr, constr


class ChatRequest(BaseModel):
    sender_id: constr(strict=True, strip_whitespace=True, min_length=1, max_length=128)
    text: constr(strict=True, strip_whitespace=True, min_length=1, max_length=2000)
    channel: Optional[constr(strict=True, max_length=32)] = "app"
    elder_mode: Optional[StrictBool] = False
    region: Optional[constr(strict=True, strip_whitespace=True, max_length=32)] = None

    class Config:
        extra = "ignore"


class Source(BaseModel):
    type: StrictStr
    id: StrictStr
    title: StrictStr


class Intent(BaseModel):
    name: Optional[str]
    confidence: float


class ChatResponse(BaseModel):
    sender_id: str
    messages: List[dict]
    sources: List[Source]
    intent: Intent
    live: Optional[dict] = Field(
        None,
        description="转人工时才有：会话编号与状态（waiting 排队、active 人工接待中、offline_message 离线留言）；"
        "客服的回复用 GET /api/chat/{sender_id}/events 拉取",
    )


class SearchResult(BaseModel):
    type: str
    id: str
    title: str
    snippet: str
    score: float


class SearchResponse(BaseModel):
    query: str
    total: int
    results: List[SearchResult]
    suggestion: Optional[str] = Field(None, description="“您是不是要找”的建议词")
