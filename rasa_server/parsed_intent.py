"""Keeps the intent Rasa parsed on the message object, so that the gateway channel (bot_channel/) can return
it without reading the whole conversation back from the tracker store after the turn (2–8 ms of Rasa CPU
per turn, growing with the conversation's length)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.processor import MessageProcessor

ATTRIBUTE = "parsed_intent"


def intent_of(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    intent = parse_data.get("intent") or {}
    return {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)}


def kept_intent(message: Any) -> Optional[Dict[str, Any]]:
    """The intent parsed for `message` in this process, or None (not parsed here, or not installed)."""
    return getattr(message, ATTRIBUTE, None)


def install() -> None:
    original = MessageProcessor.parse_message
    if getattr(original, "keeps_intent", False):
        return

    async def parse_message(self, message, *args, **kwargs):
        parse_data = await original(self, message, *args, **kwargs)
        setattr(message, ATTRIBUTE, intent_of(parse_data))
        return parse_data

    parse_message.keeps_intent = True
    MessageProcessor.parse_message = parse_message
