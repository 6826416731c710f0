"""The gateway application factory: `uvicorn gateway.app:create_app --factory`."""
from __future__ import annotations

import logging
from typing import Optional

from fastapi import FastAPI

from gateway import errors, routes_chat, routes_health, routes_search
from gateway.body_limit import BodySizeLimit
from gateway.button_memory import ButtonMemory
from gateway.deps import Resources
from gateway.rasa_client import RasaClient
from knowledge.store import KnowledgeStore
from search.searcher import KnowledgeSearcher
from settings import Settings, get_settings

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per health probe is noise
    app = FastAPI(title="政务服务智能客服网关", version="0.1.0",
                  description="对话、搜索与健康检查接口。")
    app.state.resources = Resources(
        settings=settings,
        rasa=RasaClient(settings.rasa_url, settings.rasa_timeout_seconds),
        store=KnowledgeStore(settings.database),
        searcher=KnowledgeSearcher(settings.index_dir),
        buttons=ButtonMemory(),
    )
    errors.install(app)
    # Routers, one module per resource. Add a new one here (one import above, one entry below).
    for module in (routes_chat, routes_search, routes_health):
        app.include_router(module.router)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)

    @app.on_event("shutdown")
    async def _close() -> None:
        await app.state.resources.rasa.close()

    return app
