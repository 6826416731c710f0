"""Keeps the intent Rasa parsed on the message object, so that the gateway channel (rasa_server/input_channel.py)
can return it without reading the whole conversation back from the tracker store after the turn (2–8 ms of Rasa CPU
per turn, growing with the conversation's length).

One exception: when Rasa's own default fallback ran (it reverts the user's message — for instance when a
custom action failed because the action server is down), the channel reads the tracker as before, so the
gateway sees what the conversation kept (no intent, or the previous one) and can tell the citizen that the
service is down instead of "没太明白"."""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.core.actions.action import ActionDefaultFallback
from rasa.core.processor import MessageProcessor

ATTRIBUTE = "parsed_intent"
FALLBACK_RAN = "core_fallback_ran"  # set on the turn's output channel


def intent_of(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    intent = parse_data.get("intent") or {}
    return {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)}


def kept_intent(message: Any, output_channel: Any = None) -> Optional[Dict[str, Any]]:
    """The intent parsed for `message` in this process, or None (not parsed here, not installed, or Rasa's
    default fallback reverted the message in this turn)."""
    if output_channel is not None and getattr(output_channel, FALLBACK_RAN, False):
        return None
    return getattr(message, ATTRIBUTE, None)


def install() -> None:
    original = MessageProcessor.parse_message
    if getattr(original, "keeps_intent", False):
        return

    async def parse_message(self, message, *args, **kwargs):
        parse_data = await original(self, message, *args, **kwargs)
        setattr(message, ATTRIBUTE, intent_of(parse_data))
        return parse_data

    original_fallback = ActionDefaultFallback.run

    async def run_fallback(self, output_channel, *args, **kwargs):
        setattr(output_channel, FALLBACK_RAN, True)
        return await original_fallback(self, output_channel, *args, **kwargs)

    parse_message.keeps_intent = True
    MessageProcessor.parse_message = parse_message
    ActionDefaultFallback.run = run_fallback
