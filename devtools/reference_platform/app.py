"""FastAPI app factory of the reference application API."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Callable, Optional

from fastapi import FastAPI

from . import __version__
from .context import AppContext, system_clock
from .errors import install_error_handlers
from .faults import MAX_BODY_BYTES, FaultMiddleware, FaultState
from .models import DEFAULT_SLOT_CAPACITY
from .routes_applications import router as applications_router
from .routes_appointments import router as appointments_router
from .routes_auth import router as auth_router
from .routes_control import health_router
from .routes_control import router as control_router
from .routes_evaluations import router as evaluations_router
from .routes_messages import router as messages_router
from .routes_workorders import router as workorders_router
from .store import Store

DEFAULT_TOKEN_TTL_SECONDS = 24 * 3600

_DESCRIPTION = """
政务服务平台“申办”接口的参考实现，供智能客服转办联调与测试使用（开发用身份签发、预约、申办草稿与表单预填、
12345 投诉建议、好差评、消息推送）。

* 创建类接口（及取消预约）需要 `Authorization: Bearer <令牌>`，令牌由 `POST /auth/token` 签发；
  支持 `Idempotency-Key` 请求头：同一用户以相同键和相同请求体重复请求，返回首次的状态码与响应体（响应头
  `Idempotent-Replayed: true`），不会重复创建；相同键用于不同请求返回 422“幂等键已用于其他请求”。
* 查询接口（按编号查询、按 `user_id` 列表）无需令牌。
* 消息推送 `POST /messages`（站内信/短信，按电话）是服务间调用，无需用户令牌；以服务令牌启动时
  （`REFERENCE_API_SERVICE_TOKEN`）须带 `Authorization: Bearer <服务令牌>`；同样支持 `Idempotency-Key`；
  `GET /messages?phone=` 列出推送给该电话的消息。
* 所有错误以 `{"detail": "中文说明"}` 返回；请求体超过 64 KB 返回 413。
* `/_control` 下为测试控制接口：故障模式（延迟、强制状态码）、收到的请求记录、推进办件/工单状态。
"""


def create_app(
    db_path: str,
    *,
    slot_capacity: int = DEFAULT_SLOT_CAPACITY,
    clock: Optional[Callable[[], datetime]] = None,
    token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS,
    service_token: str = "",
) -> FastAPI:
    """Build the app on the SQLite database at ``db_path`` (created with its folder if missing).

    ``service_token``: when set, the service-to-service message push must carry it as a bearer token.
    ``clock`` (returning an aware datetime, or a naive one taken as China Standard Time)
    decides "today", timestamps and business numbers; tests pass a fixed one.
    """
    store = Store(db_path)
    clock = clock or system_clock
    faults = FaultState(clock)
    ctx = AppContext(
        store=store,
        faults=faults,
        clock=clock,
        slot_capacity=slot_capacity,
        token_ttl_seconds=token_ttl_seconds,
        service_token=service_token,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        store.close()

    app = FastAPI(
        title="政务服务平台申办接口（参考实现）",
        description=_DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    install_error_handlers(app)
    for router in (
        health_router,
        auth_router,
        appointments_router,
        applications_router,
        workorders_router,
        evaluations_router,
        messages_router,
        control_router,
    ):
        app.include_router(router)
    app.add_middleware(FaultMiddleware, faults=faults, max_body_bytes=MAX_BODY_BYTES)
    return app
