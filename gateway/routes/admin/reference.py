"""/admin/departments and /admin/regions: reference lists for forms (read-only)."""

from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, Depends

from gateway.routes.admin.deps import AdminServices, allow, services

router = APIRouter(tags=["管理：参考数据"])


@router.get("/admin/departments", summary="部门列表", **allow("read"))
def departments(admin: AdminServices = Depends(services)) -> Dict:
    return {
        "items": [
            {"id": d["id"], "name": d["name"], "hotline": d.get("hotline", "")}
            for d in admin.store.iter_entries("department", status=None)
        ]
    }


@router.get("/admin/regions", summary="省、市、县（区）", **allow("read"))
def regions(admin: AdminServices = Depends(services)) -> Dict:
    return admin.store.loaded_profile()
