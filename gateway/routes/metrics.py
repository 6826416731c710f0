"""`GET /metrics`: this gateway process's Prometheus metrics (gateway/middleware/metrics.py collects them)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

router = APIRouter()


@router.get("/metrics", summary="Prometheus 指标", include_in_schema=False)
async def metrics(request: Request) -> Response:
    return Response(request.app.state.resources.metrics.render(), media_type=CONTENT_TYPE_LATEST)
