"""/admin/audit: who changed what and when."""

from __future__ import annotations

from typing import Dict, Optional

from fastapi import APIRouter, Depends, Query

from gateway.routes.admin.deps import MAX_INT, AdminServices, allow, services
from knowledge import audit

router = APIRouter(prefix="/admin/audit", tags=["管理：审计日志"])


@router.get("", summary="审计日志（最新在前）", **allow("audit"))
def audit_log(
    kind: Optional[str] = Query(None, max_length=16),
    entry_id: Optional[str] = Query(None, max_length=64),
    actor: Optional[str] = Query(None, max_length=64),
    action: Optional[str] = Query(None, max_length=32),
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(50, ge=1, le=500),
    admin: AdminServices = Depends(services),
) -> Dict:
    total, rows = audit.entries(
        admin.store, kind=kind, entry_id=entry_id, actor=actor, action=action, offset=offset, limit=limit
    )
    return {"total": total, "items": rows}
