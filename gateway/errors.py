"""Clear Chinese errors for bad input: every validation problem is a 4xx with a readable `detail`."""
from __future__ import annotations

import re
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


BOUNDS = {"value_error.number.not_ge": "应不小于", "value_error.number.not_gt": "应大于",
          "value_error.number.not_le": "应不大于", "value_error.number.not_lt": "应小于"}
BODY_UNREADABLE = "请求体无法解析：应为 UTF-8 编码的 JSON，或 multipart/form-data 格式的文件上传"
_CJK = re.compile("[\u4e00-\u9fff]")


def _describe(error: Dict) -> str:
    kind = error.get("type", "")
    if kind in ("value_error.jsondecode", "json_invalid"):
        return "请求体不是合法的 JSON"
    loc = [str(part) for part in error.get("loc", []) if part not in ("body", "query", "path", "header")]
    field = FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "请求体"
    ctx = error.get("ctx") or {}
    if kind == "value_error.missing":
        return f"缺少必填字段 {field}" if loc else "缺少请求体：应为 JSON 对象（Content-Type: application/json）"
    if kind.startswith("type_error.str"):
        return f"{field} 应为字符串"
    if kind.startswith("type_error.bool") or kind == "value_error.strictbool":
        return f"{field} 应为 true 或 false"
    if kind in BOUNDS and "limit_value" in ctx:
        return f"{field} {BOUNDS[kind]} {ctx['limit_value']}"
    if kind.startswith("type_error.integer") or kind.startswith("value_error.number"):
        return f"{field} 应为有效的整数"
    if kind == "value_error.any_str.max_length":
        return f"{field} 过长，最多 {ctx.get('limit_value')} 个字符"
    if kind == "value_error.any_str.min_length":
        return f"{field} 不能为空"
    if kind == "type_error.dict":
        return "请求体应为 JSON 对象"
    if kind in ("value_error.const", "type_error.enum", "value_error.str.regex"):
        return f"{field} 的取值无效"
    if loc and loc[-1] == "file":
        return "file 应为上传的文件（multipart/form-data）"
    msg = str(error.get("msg", ""))
    # Our own validators speak Chinese; a library's English message is not shown to citizens or staff.
    return f"{field} 不正确：{msg}" if _CJK.search(msg) else f"{field} 的格式不正确"


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
        elif exc.status_code == 400 and detail == "There was an error parsing the body":  # FastAPI's words
            detail = BODY_UNREADABLE
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
