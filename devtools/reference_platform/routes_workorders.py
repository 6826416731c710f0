"""12345 hotline work orders (投诉建议)."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from fastapi import APIRouter, Depends, Path, Request

from .context import AppContext, current_user, get_ctx, idempotency_key, listed_user, run_idempotent
from .errors import MSG_UNAUTHORIZED, ApiError
from .models import (
    WORKORDER_KIND_LABELS,
    WORKORDER_STEPS,
    ErrorResponse,
    Workorder,
    WorkorderCreate,
    WorkorderList,
)

router = APIRouter(prefix="/workorders", tags=["12345 投诉建议"])

MSG_NOT_FOUND = "工单不存在"


def workorder_view(record: Dict[str, Any]) -> Dict[str, Any]:
    step_times = record["step_times"]
    return {
        "workorder_no": record["workorder_no"],
        "user_id": record["user_id"],
        "kind": record["kind"],
        "kind_label": WORKORDER_KIND_LABELS[record["kind"]],
        "content": record["content"],
        "location": record["location"],
        "contact_phone": record["contact_phone"],
        "status": record["status"],
        "reply": record["reply"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "progress": [
            {"step": step, "done": step in step_times, "time": step_times.get(step)} for step in WORKORDER_STEPS
        ],
    }


@router.post(
    "",
    status_code=201,
    response_model=Workorder,
    responses={
        401: {"model": ErrorResponse, "description": MSG_UNAUTHORIZED},
        422: {"model": ErrorResponse, "description": "参数有误或幂等键已用于其他请求"},
    },
    summary="提交 12345 投诉或建议",
    description="登记一张工单，返回工单编号（如 GD2026112300001），初始状态“已受理”。状态不会自行推进：测试时用 "
    "POST /_control/workorders/{no}/advance 逐步推进（已受理 → 处理中 → 已办结）。支持 Idempotency-Key。",
)
def create_workorder(
    body: WorkorderCreate,
    request: Request,
    user_id: str = Depends(current_user),
    key: str = Depends(idempotency_key),
    ctx: AppContext = Depends(get_ctx),
):
    def action() -> Tuple[int, Dict[str, Any]]:
        now = ctx.now_iso()
        record = {
            "workorder_no": ctx.store.next_number("GD", ctx.day_code()),
            "user_id": user_id,
            "kind": body.kind,
            "content": body.content,
            "location": body.location or None,
            "contact_phone": body.contact_phone or None,
            "status": WORKORDER_STEPS[0],
            "step_times": {WORKORDER_STEPS[0]: now},
            "reply": None,
            "created_at": now,
            "updated_at": now,
        }
        ctx.store.insert_workorder(record)
        return 201, workorder_view(record)

    return run_idempotent(ctx, request, user_id, key, body.dict(), action)


@router.get(
    "",
    response_model=WorkorderList,
    summary="查询本人的工单",
    description="列出本人的全部工单，按创建顺序排列。带令牌时列令牌本人的；开发检查可不带令牌而给 user_id。",
)
def list_workorders(
    user_id: str = Depends(listed_user),
    ctx: AppContext = Depends(get_ctx),
) -> WorkorderList:
    return WorkorderList(items=[workorder_view(r) for r in ctx.store.list_workorders(user_id)])


@router.get(
    "/{workorder_no}",
    response_model=Workorder,
    responses={404: {"model": ErrorResponse, "description": MSG_NOT_FOUND}},
    summary="查询工单办理情况",
    description="按工单编号查询状态、进度与办结答复。须令牌；他人的编号与不存在的一样返回 404。",
)
def get_workorder(
    workorder_no: str = Path(..., max_length=64, description="工单编号"),
    user_id: str = Depends(current_user),
    ctx: AppContext = Depends(get_ctx),
) -> Workorder:
    record = ctx.store.get_workorder(workorder_no)
    if record is None or record["user_id"] != user_id:  # someone else's record: as if it did not exist
        raise ApiError(404, MSG_NOT_FOUND)
    return Workorder(**workorder_view(record))
