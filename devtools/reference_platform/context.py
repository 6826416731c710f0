"""Per-app context, FastAPI dependencies (store, bearer identity, Idempotency-Key) and the
idempotent-create helper shared by the route modules."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Dict, Optional, Tuple

from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import MSG_IDEMPOTENCY_MISMATCH, ApiError, unauthorized
from .faults import FaultState
from .store import Store

MSG_OTHERS_RECORDS = "只能查看本人的记录"

# China Standard Time: dates, "today" and business numbers are all in this zone.
CST = timezone(timedelta(hours=8), "CST")

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


@dataclass
class AppContext:
    store: Store
    faults: FaultState
    clock: Callable[[], datetime]
    slot_capacity: int
    token_ttl_seconds: int
    service_token: str = ""  # set: service-to-service calls (the message push) must carry it

    def now(self) -> datetime:
        current = self.clock()
        if current.tzinfo is None:
            current = current.replace(tzinfo=CST)
        return current.astimezone(CST)

    def now_iso(self) -> str:
        return self.now().isoformat(timespec="seconds")

    def today(self) -> date:
        return self.now().date()

    def day_code(self) -> str:
        return self.now().strftime("%Y%m%d")


def system_clock() -> datetime:
    return datetime.now(CST)


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx


_bearer = HTTPBearer(auto_error=False, description="由 POST /auth/token 签发的身份令牌")


def current_user(
    ctx: AppContext = Depends(get_ctx),
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer),
) -> str:
    """The user_id behind the bearer token, or 401."""
    if credentials is None or not credentials.credentials:
        raise unauthorized()
    user_id = ctx.store.token_user(credentials.credentials.strip(), ctx.now().timestamp())
    if user_id is None:
        raise unauthorized()
    return user_id


MSG_SERVICE_TOKEN = "服务令牌缺失或无效：推送消息须带 Authorization: Bearer <服务令牌>"


def calling_service(
    ctx: AppContext = Depends(get_ctx),
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer),
) -> None:
    """401 unless the call carries the service token (when the server was started with one)."""
    if not ctx.service_token:
        return
    given = credentials.credentials.strip() if credentials is not None and credentials.credentials else ""
    if not hmac.compare_digest(given.encode(), ctx.service_token.encode()):
        raise ApiError(401, MSG_SERVICE_TOKEN, {"WWW-Authenticate": "Bearer"})


def idempotency_key(
    key: Optional[str] = Header(
        None,
        alias=IDEMPOTENCY_HEADER,
        max_length=128,
        description="幂等键（同一用户内唯一）：相同键与相同请求体的重复请求返回首次结果，不会重复创建",
    ),
) -> Optional[str]:
    if key is None:
        return None
    key = key.strip()
    return key or None


def _fingerprint(method: str, path: str, payload: Any) -> str:
    canonical = json.dumps(
        {"method": method, "path": path, "body": payload}, ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_idempotent(
    ctx: AppContext,
    request: Request,
    user_id: str,
    key: Optional[str],
    payload: Any,
    action: Callable[[], Tuple[int, Dict[str, Any]]],
) -> JSONResponse:
    """Run ``action`` (-> (status, body)) at most once per (user, Idempotency-Key).

    The first handler outcome — success or a business ``ApiError`` below 500 — is stored and
    replayed verbatim for a repeat with the same method, path and body; a repeat with anything
    else answers 422. Without a key the action simply runs.
    """
    method = request.method
    path = request.url.path
    fingerprint = _fingerprint(method, path, payload)
    with ctx.store.transaction():
        if key is not None:
            prior = ctx.store.idempotency_get(user_id, key)
            if prior is not None:
                if prior["fingerprint"] != fingerprint:
                    raise ApiError(422, MSG_IDEMPOTENCY_MISMATCH)
                return JSONResponse(
                    status_code=prior["status_code"], content=prior["body"], headers={REPLAYED_HEADER: "true"}
                )
        try:
            status_code, body = action()
        except ApiError as exc:
            if key is None or exc.status_code >= 500:
                raise
            status_code, body = exc.status_code, {"detail": exc.detail}
        if key is not None:
            ctx.store.idempotency_put(user_id, key, fingerprint, method, path, status_code, body, ctx.now_iso())
    return JSONResponse(status_code=status_code, content=body)


def listed_user(
    user_id: Optional[str] = Query(
        None, min_length=1, max_length=64, description="用户标识（开发检查用；带令牌时只能是令牌本人）"
    ),
    ctx: AppContext = Depends(get_ctx),
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer),
) -> str:
    """Whose records a listing shows. With a token: the token's user (another `user_id` is 403). Without one,
    the `user_id` given — the stand-in's development inspection that the contract names ("listing endpoints
    filtered by user_id show what was handed off"); a real platform has no such door. Neither: 401.
    A record read by its number always needs its owner's token (the routes' read-by-id)."""
    if credentials is not None and credentials.credentials:
        owner = current_user(ctx, credentials)
        if user_id is not None and user_id != owner:
            raise ApiError(403, MSG_OTHERS_RECORDS)
        return owner
    if user_id is None:
        raise unauthorized()
    return user_id
