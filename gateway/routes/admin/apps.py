"""/admin/apps: 便民服务应用 — CRUD, review and publishing, history, import and export."""

from __future__ import annotations

from gateway.routes.admin.entry_routes import build_router

router = build_router("app", "apps")
