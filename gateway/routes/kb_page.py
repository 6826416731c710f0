"""GET /kb/faqs/{id}: one published FAQ shown whole, as a plain HTML page, for citizens.

Chat shows a readable part of a long answer (knowledge.excerpt) and links here for the rest. Read-only,
published entries only (drafts and unknown ids are 404), every text HTML-escaped and its personal numbers
masked; the id may hold "/", spaces or Chinese (URL-encoded by whoever links here)."""

from __future__ import annotations

import html

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from gateway.resources import Resources, resources
from knowledge.excerpt import full_answer_path
from knowledge.schema import ID_MAX_LENGTH, PUBLISHED
from privacy import mask_text

router = APIRouter(tags=["网页"])

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:42rem;margin:1rem auto;padding:0 1rem;line-height:1.7;"
    "font-size:1.05rem;color:#222}h1{font-size:1.3rem}p.meta{color:#666;font-size:.9rem}"
    "div.answer{white-space:pre-wrap;word-break:break-word}"
)
NOT_FOUND = "没有找到这条常见问题（可能已下线或编号有误）"


faq_path = full_answer_path  # the page's path for a FAQ id (what a chat reply links to)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def _shown(text: str) -> str:
    return html.escape(mask_text(text or ""))


@router.get("/kb/faqs/{entry_id:path}", summary="查看一条常见问题的完整答案（网页）", response_class=HTMLResponse)
def faq_page(entry_id: str, res: Resources = Depends(resources)) -> HTMLResponse:
    row = res.store.get_row("faq", entry_id) if 0 < len(entry_id) <= ID_MAX_LENGTH else None
    if row is None or row["status"] != PUBLISHED:
        return _page("未找到", f"<h1>{html.escape(NOT_FOUND)}</h1>", status=404)
    faq = row["data"]
    department = ""
    if faq.get("department"):
        found = res.store.get("department", faq["department"])
        department = (found or {}).get("name", "")
    meta = "答复部门：" + _shown(department) if department else ""
    body = (
        f"<h1>{_shown(faq['question'])}</h1>"
        + (f'<p class="meta">{meta}</p>' if meta else "")
        + f'<div class="answer">{_shown(faq["answer"])}</div>'
    )
    return _page(faq["question"], body)
