"""Serves the H5 chat page and its welcome (`/web/api/welcome`: the profile's greeting and 高频 questions from
the knowledge base, in the contract's message shapes, and what the page shows from the province's profile:
platform, app, hotline, and the 长辈模式 features it turns on). Strict security headers: the page loads nothing
from elsewhere and cannot be framed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from gateway.channels.welcome import page_profile, welcome_messages
from gateway.resources import Resources, resources

STATIC = Path(__file__).resolve().parents[1] / "static" / "web"
FILES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["网页"])


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    return RedirectResponse("/web/", status_code=307)


@router.get("/web", include_in_schema=False)
@router.get("/web/", summary="网页版智能客服（H5）", response_class=FileResponse)
def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/web/static/{name}", include_in_schema=False)
def static(name: str) -> FileResponse:
    if name not in FILES:
        raise HTTPException(404, "文件不存在")
    return FileResponse(STATIC / name, media_type=FILES[name], headers=HEADERS)


@router.get(
    "/web/api/welcome",
    summary="网页欢迎语、热门问题与本省平台信息",
    description=(
        "platform 平台名称、app_name APP 名称、hotline 热线号码、hotline_name 热线名称、"
        "elder_mode 长辈模式另开的功能（high_contrast 高对比度、read_aloud 语音播报），"
        "messages 欢迎语与热门问题（对话接口的消息格式）。"
    ),
)
def welcome(res: Resources = Depends(resources)) -> dict:
    # platform, app_name, hotline, hotline_name, elder_mode from the profile; messages: greeting and 热门问题
    return {**page_profile(res.store), "messages": welcome_messages(res.store)}
