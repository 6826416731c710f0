"""POST /api/chat: the app, mini-program and web page channel."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from gateway.chat_service import ChatUnavailable, handle_turn
from gateway.deps import Resources, resources
from gateway.schemas import ChatRequest, ChatResponse

router = APIRouter()


@router.post("/api/chat", response_model=ChatResponse, summary="对话：发送一句话，返回机器人的回复与出处")
async def chat(body: ChatRequest, res: Resources = Depends(resources)) -> dict:
    limit = res.settings.chat_max_chars
    if len(body.text) > limit:
        raise HTTPException(422, f"消息过长，最多 {limit} 个字，请分几次发送")
    try:
        return await handle_turn(res, body.sender_id, body.text, channel=body.channel or "app",
                                 elder_mode=bool(body.elder_mode), region=body.region)
    except ChatUnavailable as exc:
        raise HTTPException(503, str(exc))
