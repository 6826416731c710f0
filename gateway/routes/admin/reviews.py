"""/admin/reviews: the review queue — every change waiting for a reviewer, across kinds, oldest first."""

from __future__ import annotations

from typing import Dict, Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from gateway.resources import Resources, resources
from gateway.routes.admin import hit_tests
from gateway.routes.admin.deps import MAX_INT, AdminServices, allow, services
from gateway.routes.admin.entry_routes import title_of
from knowledge.diff import diff_entries
from knowledge.workflow import KIND_NAMES

router = APIRouter(prefix="/admin/reviews", tags=["管理：审核"])


@router.get("", summary="待审核的修改（含与已上线内容的差异）", **allow("read"))
def review_queue(
    kind: Optional[str] = Query(None, description="faq | item | package | app | synonym"),
    state: str = Query("review", regex="^(review|draft)$"),
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(50, ge=1, le=500),
    admin: AdminServices = Depends(services),
    res: Resources = Depends(resources),
) -> Dict:
    if kind is not None and kind not in KIND_NAMES:
        raise HTTPException(422, "kind（类别）只能是 " + "、".join(f"{k}（{v}）" for k, v in KIND_NAMES.items()))
    total, changes = admin.workflow.open_changes(kind=kind, state=state, offset=offset, limit=limit)
    out = []
    for change in changes:
        live = admin.store.get_row(change["kind"], change["id"])
        before = live["data"] if live else None
        out.append(
            {
                **{k: v for k, v in change.items() if k != "data"},
                "kind_name": KIND_NAMES[change["kind"]],
                "title": title_of(change["kind"], change["data"] or before),
                "live_version": live["version"] if live else None,
                "stale": (live["version"] if live else 0) != change["base_version"],
                "changes": diff_entries(before, change["data"]),
                # Saved hit-test sets on live content vs live + this change (changes under review only).
                "hit_tests": hit_tests.for_change(admin.store, res.searcher, change) if state == "review" else None,
            }
        )
    return {"total": total, "items": out}
