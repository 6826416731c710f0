"""One conversation turn, shared by every channel (/api/chat, WeChat, mini-program push): send the
citizen's text to Rasa and return the contract's reply (messages, sources, intent)."""
from __future__ import annotations

import logging
from typing import Optional

from gateway import messages as convert
from gateway.deps import Resources
from gateway.rasa_client import RasaUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE = "智能客服暂时无法回复，请稍后再试；急需办理可拨打 12345 政务服务便民热线。"


class ChatUnavailable(RuntimeError):
    """The dialogue engine did not answer; the message says what the citizen can do."""


async def handle_turn(res: Resources, sender_id: str, text: str, channel: str = "app",
                      elder_mode: bool = False, region: Optional[str] = None) -> dict:
    is_payload = res.buttons.is_sent_payload(sender_id, text)
    metadata = {"channel": channel, "elder_mode": bool(elder_mode)}
    if region:
        metadata["region"] = region
    try:
        reply = await res.rasa.send(sender_id, text, is_payload, metadata)
    except RasaUnavailable as exc:
        logger.warning("rasa unavailable: %s", exc)
        raise ChatUnavailable(UNAVAILABLE) from exc
    messages, sources = convert.convert(reply.get("messages", []))
    res.buttons.remember(sender_id, convert.button_payloads(messages))
    intent = reply.get("intent") or {}
    return {
        "sender_id": sender_id,
        "messages": messages,
        "sources": sources,
        "intent": {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)},
    }
