"""/admin/index-status: whether what was published has reached this node's search index, and the last
index-sync error (the gateway retries every round; this is where staff see that it keeps failing)."""

from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, Depends, Request

from gateway.routes.admin.deps import AdminServices, allow, services
from search.layout import current_generation

router = APIRouter(tags=["管理：索引同步"])


@router.get("/admin/index-status", summary="本节点搜索索引的同步情况", **allow("read"))
def index_status(request: Request, admin: AdminServices = Depends(services)) -> Dict:
    latest = admin.store.latest_change()
    loop = getattr(request.app.state, "index_sync", None)
    applied = None
    error = None
    if loop is not None and current_generation(admin.settings.index_dir) is not None:
        try:
            applied = loop.sync.applied_seq()
        except Exception as exc:  # an unreadable index is exactly what this route reports
            error = f"{type(exc).__name__}: {exc}"
    last_error = getattr(loop, "last_error", None) or error
    return {
        "latest_change": latest,
        "applied_change": applied,
        "pending_changes": None if applied is None else max(0, latest - applied),
        "sync_enabled": bool(loop is not None and getattr(loop, "interval", 0) > 0),
        "sync_rounds": getattr(loop, "runs", 0),
        "last_error": last_error,
        "state": (
            "索引尚未建立"
            if applied is None
            else "同步失败，正在重试：" + last_error
            if last_error
            else "已同步"
            if applied >= latest
            else f"有 {latest - applied} 条修改等待进入索引"
        ),
    }
