"""POST /api/chat: the app, mini-program and web page channel."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Header, HTTPException

from gateway.address_limits import limit_by_address
from gateway.channels.chat_service import ChatUnavailable, RateLimited, handle_turn
from gateway.channels.sender_ids import reserved_prefix
from gateway.resources import Resources, resources
from gateway.schemas import ChatRequest, ChatResponse

router = APIRouter()


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    response_model_exclude_unset=True,
    summary="对话：发送一句话，返回机器人的回复与出处",
    dependencies=[Depends(limit_by_address("chat"))],
)
async def chat(
    body: ChatRequest,
    res: Resources = Depends(resources),
    authorization: Optional[str] = Header(None, description="Bearer <统一身份认证令牌>，办理个人业务时需要"),
) -> dict:
    limit = res.settings.chat_max_chars
    if len(body.text) > limit:
        raise HTTPException(422, f"消息过长，最多 {limit} 个字，请分几次发送")
    channel = reserved_prefix(body.sender_id)
    if channel:
        raise HTTPException(422, f"请求参数有误：sender_id 不能以“{channel}:”开头，该前缀属于服务端渠道")
    identity_token = bearer_token(authorization)
    try:
        return await handle_turn(
            res,
            body.sender_id,
            body.text,
            channel=body.channel or "app",
            elder_mode=bool(body.elder_mode),
            region=body.region,
            identity_token=identity_token,
        )
    except ChatUnavailable as exc:
        raise HTTPException(503, str(exc)) from None
    except RateLimited as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) from None


def bearer_token(header: Optional[str]) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` header; 401 for any other form."""
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512 or any(c.isspace() for c in token):
        raise HTTPException(
            401, "身份令牌格式不正确，应为 Authorization: Bearer <令牌>", headers={"WWW-Authenticate": "Bearer"}
        )
    return token
