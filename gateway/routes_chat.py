"""POST /api/chat: the app, mini-program and web page channel."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Depends, HTTPException

from gateway import messages as convert
from gateway.deps import Resources, resources
from gateway.rasa_client import RasaUnavailable
from gateway.schemas import ChatRequest, ChatResponse

logger = logging.getLogger(__name__)
router = APIRouter()

UNAVAILABLE = "智能客服暂时无法回复，请稍后再试；急需办理可拨打 12345 政务服务便民热线。"


@router.post("/api/chat", response_model=ChatResponse, summary="对话：发送一句话，返回机器人的回复与出处")
async def chat(body: ChatRequest, res: Resources = Depends(resources)) -> dict:
    limit = res.settings.chat_max_chars
    if len(body.text) > limit:
        raise HTTPException(422, f"消息过长，最多 {limit} 个字，请分几次发送")
    is_payload = res.buttons.is_sent_payload(body.sender_id, body.text)
    metadata = {"channel": body.channel or "app", "elder_mode": bool(body.elder_mode)}
    if body.region:
        metadata["region"] = body.region
    try:
        reply = await res.rasa.send(body.sender_id, body.text, is_payload, metadata)
    except RasaUnavailable as exc:
        logger.warning("rasa unavailable: %s", exc)
        raise HTTPException(503, UNAVAILABLE)
    messages, sources = convert.convert(reply.get("messages", []))
    res.buttons.remember(body.sender_id, convert.button_payloads(messages))
    intent = reply.get("intent") or {}
    return {
        "sender_id": body.sender_id,
        "messages": messages,
        "sources": sources,
        "intent": {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)},
    }
