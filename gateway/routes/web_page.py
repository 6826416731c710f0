"""Serves the H5 chat page and its welcome (`/web/api/welcome`: greeting and 高频 questions from the
knowledge base, in the contract's message shapes). Strict security headers: the page loads nothing
from elsewhere and cannot be framed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from gateway.channels.welcome import platform_name, welcome_messages
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


@router.get("/web/api/welcome", summary="网页欢迎语与热门问题")
def welcome(res: Resources = Depends(resources)) -> dict:
    return {"platform": platform_name(res.store), "messages": welcome_messages(res.store)}
