"""The staff web page at /staff/ (FAQ list, editing, review, unanswered questions).

The page holds no data: it asks for a staff token and calls the /admin API with it. So it is served
without a token, outside /admin, and is not part of the API schema.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

STATIC = Path(__file__).resolve().parents[2] / "static" / "staff"
FILES = {
    "index.html": "text/html; charset=utf-8",
    "staff.js": "text/javascript; charset=utf-8",
    "staff.css": "text/css; charset=utf-8",
}
HEADERS = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
}

router = APIRouter(include_in_schema=False)


@router.get("/staff")
def staff_root() -> RedirectResponse:
    return RedirectResponse("/staff/")


@router.get("/staff/")
def staff_page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type=FILES["index.html"], headers=HEADERS)


@router.get("/staff/{name}")
def staff_asset(name: str) -> FileResponse:
    if name not in FILES:
        raise HTTPException(404, "页面不存在")
    return FileResponse(STATIC / name, media_type=FILES[name], headers=HEADERS)
