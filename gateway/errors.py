"""Clear Chinese errors for bad input: every validation problem is a 4xx with a readable `detail`."""

from __future__ import annotations

from typing import Dict, List

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pydantic_zh import describe_errors

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


BODY_UNREADABLE = "请求体无法解析：应为 UTF-8 编码的 JSON，或 multipart/form-data 格式的文件上传"
HINTS = {("file", "value_error.missing"): "file 应为上传的文件（multipart/form-data）"}


def describe_all(errors: List[Dict]) -> str:
    return "；".join(describe_errors(errors, FIELD_NAMES, HINTS))


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
