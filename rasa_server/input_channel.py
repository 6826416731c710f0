"""Rasa input channel for the gateway: one HTTP call returns the bot's messages and the parsed intent.

POST /webhooks/gateway/webhook  {"sender": "...", "message": "...", "payload": false, "metadata": {...}}
-> {"messages": [...Rasa output messages...], "intent": {"name": ..., "confidence": ...}}
POST /webhooks/gateway/control  {"sender": "...", "event": "pause" | "resume"}
-> {"sender": "...", "paused": true | false}
   转人工: the gateway pauses the conversation while a live agent has it (a paused tracker logs the citizen's
   messages and predicts nothing) and resumes it when the agent closes (docs/live-agents.md). The same
   events as Rasa's HTTP API, without enabling that API.

Text that a citizen typed never reaches Rasa as an intent command: Rasa reads a leading "/" as
`/intent{...}`, so unless the gateway marks the message as the payload of a button the bot sent,
a leading "/" is replaced by the full-width "／" — also behind invisible characters, emoji or whitespace,
which the NLU's normaliser turns into spaces (nlu/normalize.py: `escape_command`, the one shared rule).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ConversationPaused, ConversationResumed
from sanic import Blueprint, response
from sanic.request import Request

from nlu.normalize import escape_command
from rasa_server.parsed_intent import kept_intent

logger = logging.getLogger(__name__)


class GatewayInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "gateway"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("gateway_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            body: Dict[str, Any] = request.json or {}
            sender = body.get("sender")
            text = body.get("message")
            if not isinstance(sender, str) or not isinstance(text, str) or not sender or not text:
                return response.json({"error": "sender 和 message 必须是非空字符串"}, status=400)
            if not body.get("payload"):
                text = escape_command(text)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            await on_new_message(message)
            # Kept on the message by rasa_server (how the launcher runs Rasa); otherwise read back.
            intent = kept_intent(message, collector) or await _latest_intent(request, sender)
            return response.json({"messages": collector.messages, "intent": intent})

        @hook.route("/control", methods=["POST"])
        async def control(request: Request):
            body: Dict[str, Any] = request.json or {}
            sender, event = body.get("sender"), body.get("event")
            if not isinstance(sender, str) or not sender or event not in CONTROL_EVENTS:
                return response.json({"error": "sender 必须是非空字符串，event 只能是 pause 或 resume"}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.processor is None:
                return response.json({"error": "模型尚未加载"}, status=503)
            async with agent.lock_store.lock(sender):
                tracker = await agent.processor.fetch_tracker_with_initial_session(sender)
                for made in CONTROL_EVENTS[event]():
                    tracker.update(made)
                await agent.processor.save_tracker(tracker)
            return response.json({"sender": sender, "paused": tracker.is_paused()})

        return hook


CONTROL_EVENTS: Dict[str, Callable[[], list]] = {
    "pause": lambda: [ConversationPaused()],
    # listening again after the resume, as after any turn
    "resume": lambda: [ConversationResumed(), ActionExecuted(ACTION_LISTEN_NAME)],
}


async def _latest_intent(request: Request, sender: str) -> Dict[str, Any]:
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return {"name": None, "confidence": 0.0}
    tracker = await agent.tracker_store.retrieve(sender)
    if tracker is None or tracker.latest_message is None:
        return {"name": None, "confidence": 0.0}
    intent = tracker.latest_message.intent or {}
    return {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)}


__all__ = ["GatewayInput", "escape_command"]
