"""Error type, Chinese messages and the exception handlers of the reference API."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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

_LOC_SOURCES = {"body", "query", "path", "header", "cookie"}
_HEADER_LABELS = {"idempotency-key": "Idempotency-Key", "authorization": "Authorization"}


def _field_label(loc: Sequence[Any]) -> str:
    parts = list(loc)
    source = parts[0] if parts and parts[0] in _LOC_SOURCES else None
    if source is not None:
        parts = parts[1:]
    if not parts:
        return "请求体" if source == "body" else "请求参数"
    if source == "header" and len(parts) == 1:
        return _HEADER_LABELS.get(str(parts[0]).lower(), str(parts[0]))
    label = ""
    for part in parts:
        if isinstance(part, int):
            label += f"[{part}]"
        else:
            label += ("." if label else "") + str(part)
    return label


def _join(values: Any) -> str:
    try:
        return "、".join(str(v) for v in values)
    except TypeError:
        return str(values)


def _error_message(error: Dict[str, Any]) -> str:
    """One pydantic v1 / FastAPI error dict -> a Chinese sentence naming the field."""
    err_type = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    msg = str(error.get("msg", ""))
    field = _field_label(error.get("loc") or ())

    if err_type in ("value_error.jsondecode", "json_invalid"):
        return "请求体不是有效的 JSON"
    if err_type == "value_error.missing" or err_type == "missing":
        return "缺少请求体" if field == "请求体" else f"{field} 为必填项"
    if err_type == "value_error.str.regex":
        return f"{field} 格式不正确"
    if err_type == "value_error.any_str.min_length":
        limit = ctx.get("limit_value", 1)
        if limit <= 1:
            return f"{field} 不能为空"
        return f"{field} 长度不能少于 {limit} 个字符"
    if err_type == "value_error.any_str.max_length":
        return f"{field} 长度不能超过 {ctx.get('limit_value')} 个字符"
    if err_type in ("value_error.number.not_ge", "value_error.number.not_gt"):
        word = "不能小于" if err_type.endswith("not_ge") else "必须大于"
        return f"{field} {word} {ctx.get('limit_value')}"
    if err_type in ("value_error.number.not_le", "value_error.number.not_lt"):
        word = "不能大于" if err_type.endswith("not_le") else "必须小于"
        return f"{field} {word} {ctx.get('limit_value')}"
    if err_type == "value_error.const":
        return f"{field} 取值不正确，可选值：{_join(ctx.get('permitted', []))}"
    if err_type == "type_error.enum":
        return f"{field} 取值不正确，可选值：{_join(ctx.get('enum_values', []))}"
    if err_type in ("value_error.date", "type_error.date"):
        return f"{field} 日期无效，应为 YYYY-MM-DD 格式的有效日期"
    if err_type == "type_error.none.not_allowed":
        return f"{field} 不能为 null"
    if err_type in ("type_error.integer", "value_error.strictint", "type_error.strictint"):
        return f"{field} 必须是整数"
    if err_type in ("type_error.dict",):
        return "请求体必须是 JSON 对象" if field == "请求体" else f"{field} 必须是 JSON 对象"
    if err_type.startswith("type_error"):
        return f"{field} 类型不正确"
    if err_type == "value_error" and msg:
        # Raised by our own validators: their message is already Chinese.
        return f"{field} {msg}"
    return f"{field} 取值不正确"


def validation_detail(errors: List[Dict[str, Any]]) -> Dict[str, Any]:
    messages: List[str] = []
    items: List[Dict[str, str]] = []
    for error in errors:
        message = _error_message(error)
        if str(error.get("type", "")) in ("value_error.jsondecode", "json_invalid"):
            field = "请求体"  # the loc of a JSON error is a character offset, not a field
        else:
            field = _field_label(error.get("loc") or ())
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
