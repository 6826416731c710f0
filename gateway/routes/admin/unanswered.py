"""/admin/unanswered: what the bot could not answer, grouped by similarity with counts; make an FAQ from it,
or add its ways of asking to an existing FAQ as similar questions."""

from __future__ import annotations

from typing import Annotated, Dict

from fastapi import APIRouter, Depends, HTTPException, Path, Query

from gateway.routes.admin.deps import MAX_INT, AdminServices, allow, current_staff, services, workflow_errors
from gateway.routes.admin.schemas import FaqFromQuestions, SimilarFromQuestions
from knowledge import feedback
from knowledge.staff import StaffMember

GroupId = Annotated[int, Path(ge=1, le=MAX_INT, description="未答问题组编号")]

router = APIRouter(prefix="/admin/unanswered", tags=["管理：未答问题"])


@router.get("", summary="未答问题（按相似问题分组，含次数与示例）", **allow("read"))
def groups(
    state: str = Query("open", regex="^(open|resolved|ignored)$"),
    order: str = Query("count", regex="^(count|recent)$", description="count 按次数 | recent 按最近"),
    offset: int = Query(0, ge=0, le=MAX_INT),
    limit: int = Query(50, ge=1, le=500),
    admin: AdminServices = Depends(services),
) -> Dict:
    total, found = feedback.unanswered_groups_list(admin.store, state=state, offset=offset, limit=limit, order=order)
    return {"total": total, "items": found}


@router.get("/{group_id}", summary="一组未答问题", **allow("read"))
def group(group_id: GroupId, admin: AdminServices = Depends(services)) -> Dict:
    found = feedback.unanswered_group(admin.store, group_id)
    if found is None:
        raise HTTPException(404, f"未答问题组 {group_id} 不存在")
    return found


@router.get("/{group_id}/faq-template", summary="由这组问题预填的 FAQ 草稿（不保存）", **allow("read"))
def faq_template(group_id: GroupId, admin: AdminServices = Depends(services)) -> Dict:
    found = feedback.faq_template(admin.store, group_id)
    if found is None:
        raise HTTPException(404, f"未答问题组 {group_id} 不存在")
    return found


@router.post("/{group_id}/faq", status_code=201, summary="由这组问题生成 FAQ 草稿（待审核发布）", **allow("edit"))
@workflow_errors
def make_faq(
    group_id: GroupId,
    body: FaqFromQuestions,
    admin: AdminServices = Depends(services),
    who: StaffMember = Depends(current_staff),
) -> Dict:
    return feedback.faq_from_group(admin.store, admin.workflow, group_id, body.dict(), who)


@router.post(
    "/{group_id}/similar", status_code=201, summary="把这组问题加为已有 FAQ 的相似问法（待审核发布）", **allow("edit")
)
@workflow_errors
def add_as_similar(
    group_id: GroupId,
    body: SimilarFromQuestions,
    admin: AdminServices = Depends(services),
    who: StaffMember = Depends(current_staff),
) -> Dict:
    return feedback.similar_from_group(admin.store, admin.workflow, group_id, body.faq_id, who)


@router.post("/{group_id}/ignore", summary="忽略这组问题", **allow("edit"))
def ignore(
    group_id: GroupId, admin: AdminServices = Depends(services), who: StaffMember = Depends(current_staff)
) -> Dict:
    if not feedback.ignore_group(admin.store, group_id, who):
        raise HTTPException(404, f"未答问题组 {group_id} 不存在或已处理")
    return {"id": group_id, "state": "ignored"}
