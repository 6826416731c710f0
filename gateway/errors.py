"""Clear Chinese errors for bad input: every validation problem is a 4xx with a readable `detail`."""
from __future__ import annotations

from typing import Dict, List

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

FIELD_NAMES: Dict[str, str] = {
    "sender_id": "sender_id（用户标识）",
    "text": "text（消息内容）",
    "channel": "channel（渠道）",
    "elder_mode": "elder_mode（长辈模式）",
    "region": "region（地区）",
    "q": "q（搜索词）",
    "type": "type（类型）",
    "limit": "limit（条数）",
}


def _describe(error: Dict) -> str:
    kind = error.get("type", "")
    if kind in ("value_error.jsondecode", "json_invalid"):
        return "请求体不是合法的 JSON"
    loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "header")]
    field = FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "请求体"
    ctx = error.get("ctx") or {}
    if kind == "value_error.missing":
        return f"缺少必填字段 {field}"
    if kind.startswith("type_error.str"):
        return f"{field} 应为字符串"
    if kind.startswith("type_error.bool") or kind == "value_error.strictbool":
        return f"{field} 应为 true 或 false"
    if kind.startswith("type_error.integer") or kind.startswith("value_error.number"):
        return f"{field} 应为有效的整数" + (f"（{ctx['limit_value']} 以内）" if "limit_value" in ctx else "")
    if kind == "value_error.any_str.max_length":
        return f"{field} 过长，最多 {ctx.get('limit_value')} 个字符"
    if kind == "value_error.any_str.min_length":
        return f"{field} 不能为空"
    if kind == "type_error.dict":
        return "请求体应为 JSON 对象"
    if kind == "value_error.const" or kind == "type_error.enum":
        return f"{field} 的取值无效"
    return f"{field} 不正确：{error.get('msg', '')}"


def describe_all(errors: List[Dict]) -> str:
    return "；".join(dict.fromkeys(_describe(e) for e in errors))


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": "请求参数有误：" + describe_all(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 404 and detail == "Not Found":
            detail = "接口不存在"
        elif exc.status_code == 405:
            detail = "不支持该请求方法"
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
