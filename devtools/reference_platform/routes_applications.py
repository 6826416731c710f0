"""Application drafts (申办) with pre-filled forms, and their progress (办件进度)."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from fastapi import APIRouter, Depends, Path, Request

from .context import AppContext, current_user, get_ctx, idempotency_key, listed_user, run_idempotent
from .errors import MSG_UNAUTHORIZED, ApiError
from .models import (
    APPLICATION_DRAFT,
    APPLICATION_STEPS,
    FINISH_LINK_PREFIX,
    Application,
    ApplicationCreate,
    ApplicationList,
    ErrorResponse,
)

router = APIRouter(prefix="/applications", tags=["申办"])

MSG_NOT_FOUND = "办件不存在"


def application_view(record: Dict[str, Any]) -> Dict[str, Any]:
    """Public shape of an application: the record plus finish_link and progress steps."""
    step_times = record["step_times"]
    return {
        "application_no": record["application_no"],
        "user_id": record["user_id"],
        "item_id": record["item_id"],
        "item_name": record["item_name"],
        "form": record["form"],
        "status": record["status"],
        "finish_link": FINISH_LINK_PREFIX + record["application_no"],
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
        "progress": [
            {"step": step, "done": step in step_times, "time": step_times.get(step)} for step in APPLICATION_STEPS
        ],
    }


@router.post(
    "",
    status_code=201,
    response_model=Application,
    responses={
        401: {"model": ErrorResponse, "description": MSG_UNAUTHORIZED},
        422: {"model": ErrorResponse, "description": "参数有误或幂等键已用于其他请求"},
    },
    summary="创建申办草稿（表单预填）",
    description="以预填表单创建申办草稿，状态为“待补充”，返回申办编号（如 SX2026112300001）和在 App 中继续办理的 "
    "finish_link。状态不会自行推进：测试时用 POST /_control/applications/{no}/advance 逐步推进"
    "（待补充 → 已受理 → 审核中 → 已办结）。支持 Idempotency-Key。",
)
def create_application(
    body: ApplicationCreate,
    request: Request,
    user_id: str = Depends(current_user),
    key: str = Depends(idempotency_key),
    ctx: AppContext = Depends(get_ctx),
):
    def action() -> Tuple[int, Dict[str, Any]]:
        now = ctx.now_iso()
        record = {
            "application_no": ctx.store.next_number("SX", ctx.day_code()),
            "user_id": user_id,
            "item_id": body.item_id,
            "item_name": body.item_name,
            "form": body.form,
            "status": APPLICATION_DRAFT,
            "step_times": {},
            "created_at": now,
            "updated_at": now,
        }
        ctx.store.insert_application(record)
        return 201, application_view(record)

    return run_idempotent(ctx, request, user_id, key, body.dict(), action)


@router.get(
    "",
    response_model=ApplicationList,
    summary="查询本人的申办记录",
    description="列出本人的全部申办，按创建顺序排列。带令牌时列令牌本人的；开发检查可不带令牌而给 user_id。",
)
def list_applications(
    user_id: str = Depends(listed_user),
    ctx: AppContext = Depends(get_ctx),
) -> ApplicationList:
    return ApplicationList(items=[application_view(r) for r in ctx.store.list_applications(user_id)])


@router.get(
    "/{application_no}",
    response_model=Application,
    responses={404: {"model": ErrorResponse, "description": MSG_NOT_FOUND}},
    summary="查询办件进度",
    description=(
        "按申办编号查询状态与办件进度（已受理 / 审核中 / 已办结及各环节时间）。"
        "须令牌；他人的编号与不存在的一样返回 404。"
    ),
)
def get_application(
    application_no: str = Path(..., max_length=64, description="申办编号"),
    user_id: str = Depends(current_user),
    ctx: AppContext = Depends(get_ctx),
) -> Application:
    record = ctx.store.get_application(application_no)
    if record is None or record["user_id"] != user_id:  # someone else's record: as if it did not exist
        raise ApiError(404, MSG_NOT_FOUND)
    return Application(**application_view(record))
