"""/admin/packages: 一件事一次办 — CRUD, review and publishing, history, import and export."""

from __future__ import annotations

from gateway.routes.admin.entry_routes import build_router

router = build_router("package", "packages")
