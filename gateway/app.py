"""The gateway application factory: `uvicorn gateway.app:create_app --factory`."""

from __future__ import annotations

import logging
from typing import Optional

from fastapi import FastAPI

from gateway import errors, index_sync
from gateway.channels.wechat.channels import WeChatChannels
from gateway.live import sweep as live_sweep
from gateway.middleware.admin_body_limit import AdminAwareBodyLimit
from gateway.middleware.cors import install_cors
from gateway.middleware.json_guard import JsonTextGuard
from gateway.middleware.logs import install_logging
from gateway.middleware.request_context import RequestContext
from gateway.middleware.security_headers import SecurityHeaders
from gateway.resources import build_resources
from gateway.routes import ROUTERS
from settings import Settings, get_settings

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or get_settings()
    install_logging(settings.log_level)  # JSON lines, request ids, ID numbers and phones masked
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per health probe is noise
    app = FastAPI(
        title="政务服务智能客服网关",
        version="0.1.0",
        description="对话、搜索与健康检查接口。",
        # Swagger UI and ReDoc load their scripts from a CDN: not served. The machine-readable description is,
        # except in production mode (docs/security.md).
        docs_url=None,
        redoc_url=None,
        openapi_url=None if settings.production else "/openapi.json",
    )
    app.state.resources = res = build_resources(settings)
    app.state.wechat = WeChatChannels(res)
    errors.install(app)
    index_sync.install(app)  # keeps this node's search index current (background task)
    live_sweep.install(app)  # 转人工: requeues sessions of agents gone, turns an unattended queue into tickets
    for router in ROUTERS:  # one module per resource (gateway/routes/)
        app.include_router(router)
    app.add_middleware(JsonTextGuard)  # lone surrogates, too-deep JSON: Chinese 422 (inside the size limit)
    app.add_middleware(
        AdminAwareBodyLimit,
        max_bytes=MAX_BODY_BYTES,  # larger for staff imports
        import_max_bytes=settings.staff_import_max_mb * 1024 * 1024,
    )
    install_cors(app, settings.cors_origins)
    app.add_middleware(SecurityHeaders)  # nosniff everywhere; no-store on JSON, /admin and /staff
    app.add_middleware(RequestContext, metrics=res.metrics)  # outermost: ids, access log, HTTP metrics

    @app.on_event("shutdown")
    async def _close() -> None:
        await app.state.resources.rasa.close()
        await app.state.wechat.close()
        await app.state.resources.kv.close()

    return app
