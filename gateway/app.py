"""The gateway application factory: `uvicorn gateway.app:create_app --factory`."""
from __future__ import annotations

import logging
from typing import Optional

from fastapi import FastAPI

from gateway import errors, index_sync, routes_chat, routes_health, routes_search
from gateway import admin as routes_admin
from gateway.admin.body_limits import AdminAwareBodyLimit
from gateway.button_memory import ButtonMemory
from gateway.deps import Resources
from gateway.json_guard import JsonTextGuard
from gateway.kv import open_store
from gateway.middleware import metrics as routes_metrics
from gateway.middleware.cors import install_cors
from gateway.middleware.logs import install_logging
from gateway.middleware.metrics import GatewayMetrics
from gateway.middleware.rate_limit import RateLimiter
from gateway.middleware.request_context import RequestContext
from gateway.rasa_client import RasaClient
from gateway.web import routes as routes_web
from gateway.wechat import routes as routes_wechat
from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from settings import Settings, get_settings

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or get_settings()
    install_logging(settings.log_level)  # JSON lines, request ids, ID numbers and phones masked
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per health probe is noise
    app = FastAPI(title="政务服务智能客服网关", version="0.1.0",
                  description="对话、搜索与健康检查接口。")
    app.state.resources = Resources(
        settings=settings,
        rasa=RasaClient(settings.rasa_url, settings.rasa_timeout_seconds),
        store=KnowledgeStore(settings.database),
        searcher=KnowledgeSearcher(settings.index_dir),
    )
    res = app.state.resources
    res.kv = open_store(settings.redis_url)
    res.buttons = ButtonMemory(res.kv)
    res.rate_limiter = RateLimiter(res.kv, settings.rate_limit_messages, settings.rate_limit_window_seconds)
    res.metrics = GatewayMetrics()
    app.state.wechat = routes_wechat.WeChatChannels(res)
    errors.install(app)
    index_sync.install(app)  # keeps this node's search index current (background task)
    # Routers, one module per resource. Add a new one here (one import above, one entry below).
    for module in (routes_chat, routes_search, routes_health, routes_wechat, routes_web, routes_metrics,
                   routes_admin):
        app.include_router(module.router)
    app.add_middleware(JsonTextGuard)  # lone surrogates, too-deep JSON: Chinese 422 (inside the size limit)
    app.add_middleware(AdminAwareBodyLimit, max_bytes=MAX_BODY_BYTES,  # larger for staff imports
                       import_max_bytes=settings.staff_import_max_mb * 1024 * 1024)
    install_cors(app, settings.cors_origins)
    app.add_middleware(RequestContext, metrics=res.metrics)  # outermost: ids, access log, HTTP metrics

    @app.on_event("shutdown")
    async def _close() -> None:
        await app.state.resources.rasa.close()
        await app.state.wechat.close()
        await app.state.resources.kv.close()

    return app
