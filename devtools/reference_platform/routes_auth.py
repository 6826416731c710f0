"""Dev identity issuer: tokens for test users and their fake real-name profile."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends

from .context import AppContext, current_user, get_ctx
from .errors import MSG_UNAUTHORIZED
from .identity import profile_for
from .models import ErrorResponse, IdentityProfile, TokenRequest, TokenResponse

router = APIRouter(prefix="/auth", tags=["身份认证"])

_UNAUTHORIZED = {401: {"model": ErrorResponse, "description": MSG_UNAUTHORIZED}}


@router.post(
    "/token",
    response_model=TokenResponse,
    summary="签发身份令牌（开发用）",
    description="为任意测试用户签发随机的 Bearer 身份令牌（开发环境的身份签发方），令牌保存在服务端，有效期 24 小时。",
)
def issue_token(body: TokenRequest, ctx: AppContext = Depends(get_ctx)) -> TokenResponse:
    token = secrets.token_urlsafe(32)
    now = ctx.now()
    ctx.store.add_token(token, body.user_id, now.isoformat(timespec="seconds"), now.timestamp() + ctx.token_ttl_seconds)
    return TokenResponse(access_token=token, token_type="bearer", expires_in=ctx.token_ttl_seconds)


@router.get(
    "/me",
    response_model=IdentityProfile,
    responses=_UNAUTHORIZED,
    summary="查询当前用户身份信息",
    description="根据 Authorization: Bearer 令牌返回用户的实名信息（按 user_id 确定生成的测试数据）。",
)
def me(user_id: str = Depends(current_user)) -> IdentityProfile:
    return IdentityProfile(**profile_for(user_id))
