"""Error type, Chinese messages and the exception handlers of the reference API."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pydantic_zh import describe_error, field_of

logger = logging.getLogger("devtools.reference_platform")

# Messages a user or developer of the API reads (kept in one place so tests can import them).
MSG_UNAUTHORIZED = "身份令牌无效或已过期，请重新登录"
MSG_SLOT_FULL = "该时段已约满，请选择其他时段"
MSG_IDEMPOTENCY_MISMATCH = "幂等键已用于其他请求"
MSG_BODY_TOO_LARGE = "请求体过大，不能超过 64 KB"
MSG_BAD_CONTENT_LENGTH = "请求头 Content-Length 无效"
MSG_INTERNAL = "服务内部错误，请稍后再试"
VALIDATION_PREFIX = "请求参数有误："

# Details for statuses raised without an explicit (Chinese) detail, and for fault modes.
STATUS_DETAILS: Dict[int, str] = {
    400: "请求有误",
    401: MSG_UNAUTHORIZED,
    403: "无权执行此操作",
    404: "请求的资源不存在",
    405: "不支持该请求方法",
    408: "请求超时",
    409: "请求与当前状态冲突",
    413: MSG_BODY_TOO_LARGE,
    415: "不支持的请求内容类型",
    422: "请求参数有误",
    429: "请求过于频繁，请稍后再试",
    500: MSG_INTERNAL,
    502: "上游服务异常，请稍后再试",
    503: "服务暂不可用",
    504: "服务响应超时，请稍后再试",
}


def status_detail(status_code: int) -> str:
    """Chinese detail for a bare status code."""
    if status_code in STATUS_DETAILS:
        return STATUS_DETAILS[status_code]
    if status_code >= 500:
        return "服务暂不可用"
    return "请求未能处理"


class ApiError(Exception):
    """A business error answered as ``{"detail": <Chinese message>}`` with the given status."""

    def __init__(self, status_code: int, detail: str, headers: Optional[Dict[str, str]] = None):
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.headers = headers


def unauthorized() -> ApiError:
    return ApiError(401, MSG_UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


# --- request validation errors -> Chinese -------------------------------------------------


def validation_detail(errors: List[Dict[str, Any]]) -> Dict[str, Any]:
    messages: List[str] = []
    items: List[Dict[str, str]] = []
    for error in errors:
        message, field = describe_error(error), field_of(error)
        items.append({"field": field, "message": message})
        if message not in messages:
            messages.append(message)
    if not messages:
        messages = ["请求格式不正确"]
    return {"detail": VALIDATION_PREFIX + "；".join(messages), "errors": items}


# --- handlers ------------------------------------------------------------------------------


def _json_error(status_code: int, content: Dict[str, Any], headers: Optional[Dict[str, str]] = None):
    return JSONResponse(status_code=status_code, content=content, headers=headers)


async def _api_error_handler(request: Request, exc: ApiError):
    return _json_error(exc.status_code, {"detail": exc.detail}, exc.headers)


async def _validation_handler(request: Request, exc: RequestValidationError):
    try:
        errors = list(exc.errors())
    except Exception:  # pragma: no cover - defensive: never let the handler itself fail
        errors = []
    return _json_error(422, validation_detail(errors))


async def _http_exception_handler(request: Request, exc: StarletteHTTPException):
    detail = exc.detail
    if exc.status_code == 400 and detail == "There was an error parsing the body":
        # FastAPI's answer to a body it cannot decode at all (e.g. not UTF-8): same as bad JSON.
        return _json_error(422, validation_detail([{"type": "json_invalid", "loc": ("body",)}]))
    # Starlette/FastAPI raise these with English reason phrases; answer in Chinese instead.
    if not isinstance(detail, str) or not any("\u4e00" <= ch <= "\u9fff" for ch in detail):
        detail = status_detail(exc.status_code)
    return _json_error(exc.status_code, {"detail": detail}, getattr(exc, "headers", None))


async def _unhandled_handler(request: Request, exc: Exception):
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return _json_error(500, {"detail": MSG_INTERNAL})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)
    app.add_exception_handler(Exception, _unhandled_handler)
