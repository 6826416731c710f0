"""`GET /metrics`: this gateway process's Prometheus metrics (gateway/middleware/metrics.py collects them).

Who may read them: with METRICS_TOKEN set, only a request with `Authorization: Bearer <METRICS_TOKEN>`;
without it, anybody in development mode and nobody in production mode (GATEWAY_MODE=production)."""

from __future__ import annotations

import hmac
from typing import Optional

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

router = APIRouter()

NOT_ENABLED = "生产模式下未开启指标接口：请设置 METRICS_TOKEN 并带令牌访问"
TOKEN_NEEDED = "访问指标接口需要令牌：Authorization: Bearer <METRICS_TOKEN>"


def allowed(settings, authorization: Optional[str]) -> None:
    token = settings.metrics_token
    if token:
        scheme, _, given = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPException(401, TOKEN_NEEDED, headers={"WWW-Authenticate": "Bearer"})
    elif settings.production:
        raise HTTPException(404, NOT_ENABLED)


@router.get("/metrics", summary="Prometheus 指标", include_in_schema=False)
async def metrics(request: Request, authorization: Optional[str] = Header(None)) -> Response:
    resources = request.app.state.resources
    allowed(resources.settings, authorization)
    # the queue is shared by every replica: read at scrape time from the database
    resources.metrics.live_waiting.set(await run_in_threadpool(resources.live.waiting_count))
    resources.metrics.live_agents_online.set(await run_in_threadpool(resources.live.agents_online))
    return Response(resources.metrics.render(), media_type=CONTENT_TYPE_LATEST)
