"""/admin/synonyms: 同义词（群众说法 ↔ 规范名称） — CRUD, review and publishing, history, import and export."""

from __future__ import annotations

from gateway.routes.admin.entry_routes import build_router

router = build_router("synonym", "synonyms")
