"""/admin/staff: staff tokens and roles (admins only); /admin/me: who the token belongs to."""

from __future__ import annotations

from typing import Dict

from fastapi import APIRouter, Depends, HTTPException, Path

from gateway.routes.admin.deps import MAX_INT, AdminServices, allow, current_staff, services
from gateway.routes.admin.schemas import StaffCreate
from knowledge.staff import ROLE_NAMES, ROLES, StaffMember

router = APIRouter(tags=["管理：工作人员"])


@router.get("/admin/me", summary="当前令牌对应的工作人员与权限（任何角色）", **allow("live_chat"))
def me(who: StaffMember = Depends(current_staff)) -> Dict:
    from knowledge.staff import PERMISSIONS

    return {
        "name": who.name,
        "role": who.role,
        "role_name": who.role_name,
        "permissions": sorted(p for p in PERMISSIONS if who.can(p)),
    }


@router.get("/admin/staff", summary="工作人员令牌列表（不含令牌本身）", **allow("manage_staff"))
def list_staff(admin: AdminServices = Depends(services)) -> Dict:
    return {"items": admin.staff.members()}


@router.post(
    "/admin/staff", status_code=201, summary="新建工作人员令牌（令牌只在此时返回一次）", **allow("manage_staff")
)
def create_staff(
    body: StaffCreate, admin: AdminServices = Depends(services), who: StaffMember = Depends(current_staff)
) -> Dict:
    if body.role not in ROLES:
        raise HTTPException(422, "role（角色）只能是 " + "、".join(f"{r}（{ROLE_NAMES[r]}）" for r in ROLES))
    member, token = admin.staff.create(body.name, body.role, who)
    return {
        "id": member.token_id,
        "name": member.name,
        "role": member.role,
        "token": token,
        "note": "令牌只显示这一次，请妥善保存；系统中只保存它的摘要",
    }


@router.delete("/admin/staff/{token_id}", summary="停用工作人员令牌", **allow("manage_staff"))
def revoke_staff(
    token_id: int = Path(..., ge=1, le=MAX_INT),
    admin: AdminServices = Depends(services),
    who: StaffMember = Depends(current_staff),
) -> Dict:
    if not admin.staff.revoke(token_id, who):
        raise HTTPException(404, f"令牌 {token_id} 不存在或已停用")
    return {"id": token_id, "revoked": True}
