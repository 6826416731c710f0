"""Outermost middleware: gives each request its id, times it, writes one structured access-log line and
records the HTTP metrics (route template as the label, never the raw path)."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.middleware.metrics import GatewayMetrics
from gateway.middleware.request_id import HEADER, bind, new_request_id, unbind

logger = logging.getLogger("gateway.access")


class RequestContext:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        offered = headers.get(HEADER.lower().encode(), b"").decode("latin-1")
        request_id = new_request_id(offered)
        token = bind(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "")
            self.metrics.http_duration.labels(method, route).observe(elapsed)
            self.metrics.http_requests.labels(method, route, str(status)).inc()
            logger.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "fields": {
                        "event": "http_request",
                        "method": method,
                        "route": route,
                        "path": scope.get("path", ""),
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    }
                },
            )
            unbind(token)
