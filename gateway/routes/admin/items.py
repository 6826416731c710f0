"""/admin/items: 政务服务事项 — CRUD, review and publishing, history, import and export."""

from __future__ import annotations

from gateway.routes.admin.entry_routes import build_router

router = build_router("item", "items")
