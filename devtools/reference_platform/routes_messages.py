"""The platform's message push (站内信/短信): another system asks the platform to tell a citizen something,
by the phone number the citizen left (the customer-service bot: the answer to a 离线留言 when the citizen's
chat window is closed). The reference server sends nothing; it records the messages and lists them."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from fastapi import APIRouter, Depends, Query, Request

from .context import AppContext, calling_service, get_ctx, idempotency_key, run_idempotent
from .errors import VALIDATION_PREFIX, ApiError
from .models import (
    MESSAGE_SENT,
    ErrorResponse,
    MessageCreate,
    PushedMessage,
    PushedMessageList,
    check_contact_phone,
)

router = APIRouter(prefix="/messages", tags=["消息推送"])

# Idempotency keys of the push are scoped to the calling service, not to a citizen's token; the colon keeps
# the scope apart from every user_id (which may not contain one: models.TokenRequest).
PUSH_SCOPE = "service:messages"


@router.post(
    "",
    status_code=201,
    response_model=PushedMessage,
    responses={
        401: {"model": ErrorResponse, "description": "以服务令牌启动时：未带或带错服务令牌"},
        422: {"model": ErrorResponse, "description": "参数有误或幂等键已用于其他请求"},
    },
    dependencies=[Depends(calling_service)],
    summary="推送消息给群众（站内信/短信）",
    description="服务间调用，无需用户令牌（以服务令牌启动时须带 Authorization: Bearer <服务令牌>）："
    "按群众留下的电话推送一条消息，返回消息编号（如 XX2026112300001），"
    "状态“已发送”（参考实现只记录，不真的发送）。支持 Idempotency-Key：相同键与相同请求体的重复请求返回首次的结果，"
    "不会推送第二次；相同键用于不同内容返回 422。",
)
def push_message(
    body: MessageCreate,
    request: Request,
    key: str = Depends(idempotency_key),
    ctx: AppContext = Depends(get_ctx),
):
    def action() -> Tuple[int, Dict[str, Any]]:
        record = {
            "message_id": ctx.store.next_number("XX", ctx.day_code()),
            "phone": body.phone,
            "sender_id": body.sender_id or None,
            "title": body.title,
            "text": body.text,
            "status": MESSAGE_SENT,
            "created_at": ctx.now_iso(),
        }
        ctx.store.insert_message(record)
        return 201, record

    return run_idempotent(ctx, request, PUSH_SCOPE, key, body.dict(), action)


@router.get(
    "",
    response_model=PushedMessageList,
    summary="查询推送给某个电话的消息",
    description="开发检查用：按推送顺序列出推送给该电话的全部消息。",
)
def list_messages(
    phone: str = Query(..., max_length=32, description="手机号或座机号，与推送时给的一致"),
    ctx: AppContext = Depends(get_ctx),
) -> PushedMessageList:
    try:
        phone = check_contact_phone(phone)
    except ValueError as exc:
        raise ApiError(422, f"{VALIDATION_PREFIX}phone {exc}") from None
    return PushedMessageList(items=ctx.store.list_messages(phone))
