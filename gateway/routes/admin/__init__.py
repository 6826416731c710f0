"""The staff admin API under /admin (and the staff page at /staff/).

One router module per resource; every /admin route needs a staff bearer token (`deps.current_staff`,
attached here to all of them) and declares the permission it needs (`deps.allow`).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from gateway.routes.admin import (
    apps,
    audit_log,
    faqs,
    guides,
    hit_tests,
    index_status,
    items,
    live,
    packages,
    page,
    reference,
    reviews,
    staff,
    stats,
    synonyms,
    unanswered,
)
from gateway.routes.admin.deps import current_staff

RESOURCES = (
    faqs,
    items,
    guides,
    packages,
    apps,
    synonyms,
    reviews,
    hit_tests,
    unanswered,
    stats,
    audit_log,
    staff,
    reference,
    index_status,
    live,
)

protected = APIRouter(dependencies=[Depends(current_staff)])
for _module in RESOURCES:
    protected.include_router(_module.router)

router = APIRouter()
router.include_router(protected)
router.include_router(page.router)

__all__ = ["router"]
