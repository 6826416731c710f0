"""GET /healthz: 200 only when Rasa, the action server, the knowledge store and the index all answer."""

from __future__ import annotations

import asyncio
from typing import Awaitable

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from gateway.action_server import action_server_state
from gateway.resources import Resources, resources

router = APIRouter()


async def _state(check: Awaitable, failed: str = "异常") -> str:
    """ "ok" when `check` completes, else why not: any failure of the part is its state, not the endpoint's error."""
    try:
        await check
        return "ok"
    except Exception as exc:
        return f"{failed}（{type(exc).__name__}）"


@router.get("/healthz", summary="健康检查")
async def healthz(res: Resources = Depends(resources)) -> JSONResponse:
    checks = [
        res.rasa.ping(),
        action_server_state(res.settings.action_server_url),
        _state(run_in_threadpool(res.store.ping)),
        _state(run_in_threadpool(res.searcher.ping)),
    ]
    uses_redis = bool(res.settings.redis_url and res.kv is not None)  # the conversations' store
    if uses_redis:
        checks.append(_state(res.kv.ping(), "无法连接"))
    rasa, actions, store, index, *redis = await asyncio.gather(*checks)
    parts = {
        "rasa": "ok" if rasa is None else f"无法连接（{rasa}）",
        "action_server": actions,
        "knowledge_store": store,
        "search_index": index,
    }
    if uses_redis:
        parts["redis"] = redis[0]
    healthy = all(state == "ok" for state in parts.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "parts": parts}, status_code=200 if healthy else 503
    )
