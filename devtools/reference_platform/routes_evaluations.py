"""Good/bad service evaluations (好差评)."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from fastapi import APIRouter, Depends, Request

from .context import AppContext, current_user, get_ctx, idempotency_key, listed_user, run_idempotent
from .errors import MSG_UNAUTHORIZED, ApiError
from .models import RATING_LEVELS, ErrorResponse, Evaluation, EvaluationCreate, EvaluationList

router = APIRouter(prefix="/evaluations", tags=["好差评"])

MSG_TARGET_NOT_FOUND = "评价对象不存在"
MSG_ALREADY_EVALUATED = "该事项已评价，请勿重复评价"


def evaluation_view(record: Dict[str, Any]) -> Dict[str, Any]:
    return {**record, "level": RATING_LEVELS[record["rating"]]}


@router.post(
    "",
    status_code=201,
    response_model=Evaluation,
    responses={
        401: {"model": ErrorResponse, "description": MSG_UNAUTHORIZED},
        404: {"model": ErrorResponse, "description": MSG_TARGET_NOT_FOUND},
        409: {"model": ErrorResponse, "description": MSG_ALREADY_EVALUATED},
        422: {"model": ErrorResponse, "description": "参数有误或幂等键已用于其他请求"},
    },
    summary="提交好差评",
    description="对一次对话、一个办件或一次预约评分（1-5）。办件和预约须存在且属于当前用户（否则 404）；"
    "同一对象每个用户只能评价一次（否则 409）。支持 Idempotency-Key。",
)
def create_evaluation(
    body: EvaluationCreate,
    request: Request,
    user_id: str = Depends(current_user),
    key: str = Depends(idempotency_key),
    ctx: AppContext = Depends(get_ctx),
):
    def action() -> Tuple[int, Dict[str, Any]]:
        if body.target_type == "application":
            target = ctx.store.get_application(body.target_id)
        elif body.target_type == "appointment":
            target = ctx.store.get_appointment(body.target_id)
        else:
            target = {"user_id": user_id}  # conversations live in the bot; any id is accepted
        if target is None or target["user_id"] != user_id:
            raise ApiError(404, MSG_TARGET_NOT_FOUND)
        if ctx.store.find_evaluation(user_id, body.target_type, body.target_id) is not None:
            raise ApiError(409, MSG_ALREADY_EVALUATED)
        record = {
            "evaluation_id": ctx.store.next_number("PJ", ctx.day_code()),
            "user_id": user_id,
            "target_type": body.target_type,
            "target_id": body.target_id,
            "rating": body.rating,
            "comment": body.comment or None,
            "created_at": ctx.now_iso(),
        }
        ctx.store.insert_evaluation(record)
        return 201, evaluation_view(record)

    return run_idempotent(ctx, request, user_id, key, body.dict(), action)


@router.get(
    "",
    response_model=EvaluationList,
    summary="查询本人的评价",
    description="列出本人的全部评价，按创建顺序排列。带令牌时列令牌本人的；开发检查可不带令牌而给 user_id。",
)
def list_evaluations(
    user_id: str = Depends(listed_user),
    ctx: AppContext = Depends(get_ctx),
) -> EvaluationList:
    return EvaluationList(items=[evaluation_view(r) for r in ctx.store.list_evaluations(user_id)])
