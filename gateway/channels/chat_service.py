"""One conversation turn, shared by every channel (/api/chat, WeChat, mini-program push): check the
sender's rate limit, send the citizen's text to Rasa and return the contract's reply (messages, sources,
intent); record the turn's latency, fallback and hand-off in the metrics and one structured log line."""

from __future__ import annotations

import logging
import time
from typing import Dict, Optional

from gateway.action_server import action_server_state
from gateway.channels import messages as convert
from gateway.channels.wording import channel_text
from gateway.kv import KVError
from gateway.live import handover
from gateway.rasa_client import RasaUnavailable
from gateway.resources import Resources
from knowledge.responses import render
from nlu.normalize import escape_command, normalize
from privacy import mask_text

logger = logging.getLogger(__name__)

UNAVAILABLE = "utter_channel_unavailable"  # a response (bot/domain/channels.yml), rendered by wording.channel_text
# Sent instead of a message with no letter, digit or Chinese character left after the NLU's normalisation
# (emoji, symbols, punctuation only): there is nothing to understand, search or put in the staff's
# unanswered queue, so the bot gives its own "not understood" reply. (The NLU itself copes with such text
# too — nlu/components/tokenizer.py — for channels that reach Rasa directly.)
NOT_UNDERSTOOD = "/nlu_fallback"

# A turn counts as a fallback when the bot did not understand, or was asked something and found nothing.
FALLBACK_INTENTS = {"nlu_fallback", "out_of_scope"}
# A turn counts as a hand-off when the citizen is handed to the application API or to a person.
HANDOFF_INTENTS = {
    "human_handoff",
    "make_appointment",
    "apply_online",
    "check_progress",
    "complaint",
    "suggestion",
    "evaluate",
}
HANDOFF_MESSAGE_TYPES = {"handoff"}
# Metric labels stay bounded: a client-chosen channel name outside this set is counted as "other".
KNOWN_CHANNELS = {"app", "miniprogram", "web", "h5", "wechat"}


class ChatUnavailable(RuntimeError):
    """The dialogue engine did not answer; the message says what the citizen can do."""


class RateLimited(RuntimeError):
    """The sender sent too many messages in the current window; the message says when to retry."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(render("utter_channel_too_fast", {"seconds": retry_after}))
        self.retry_after = retry_after


def readable(text: str) -> bool:
    return any(c.isalnum() for c in normalize(text))


def is_fallback(reply: Dict) -> bool:
    name = reply["intent"]["name"] or ""
    return name in FALLBACK_INTENTS or (name.startswith("ask_") and not reply["sources"])


def is_handoff(reply: Dict) -> bool:
    return reply["intent"]["name"] in HANDOFF_INTENTS or any(
        m.get("type") in HANDOFF_MESSAGE_TYPES for m in reply["messages"]
    )


async def _failed_turn(res: Resources, reply: Dict) -> Optional[str]:
    """Why the turn has no real answer, or None. With the action server down Rasa still answers 200, but
    the custom action's reply is lost (an empty reply) or the bot falls back ("没太明白") although it did
    understand: the citizen is then told that the service is down instead."""
    if reply["messages"] and reply["intent"]["name"] and not is_fallback(reply):
        return None
    if await action_server_state(res.settings.action_server_url) != "ok":
        return "action_server_unavailable"
    return None if reply["messages"] else "empty_reply"


async def handle_turn(
    res: Resources,
    sender_id: str,
    text: str,
    channel: str = "app",
    elder_mode: bool = False,
    region: Optional[str] = None,
    *,
    allow_payloads: bool = True,
    trusted_payload: bool = False,
    identity_token: Optional[str] = None,
) -> dict:
    """`allow_payloads`: whether text equal to a button payload the bot sent this sender may reach Rasa as
    that command (False on text-only channels, where nobody clicks). `trusted_payload`: the gateway itself
    sends `text` as a command (a WeChat numbered choice, a menu event) — never citizen-typed text."""
    metrics = res.metrics
    label = channel if channel in KNOWN_CHANNELS else "other"
    decision = await res.rate_limiter.hit(sender_id)
    if not decision.allowed:
        metrics.rate_limited.labels(label).inc()
        raise RateLimited(decision.retry_after)
    if res.settings.live_chat_enabled:  # a live session, a 离线留言 or a rating: the gateway answers itself
        try:
            live = await handover.before_turn(res, sender_id, text, channel)
        except (KVError, OSError) as exc:  # the key-value store is down: the bot answers, as without live chat
            logger.warning("live-chat state unavailable: %s", exc)
            live = None
        if live is not None:
            metrics.turns.labels(label).inc()
            return live
    if not trusted_payload and not readable(text):  # only emoji, symbols or punctuation: the NLU reads nothing
        text, trusted_payload = NOT_UNDERSTOOD, True
    is_payload = trusted_payload or (allow_payloads and await res.buttons.is_sent_payload(sender_id, text))
    if not is_payload:  # typed text never reads as an intent command, whatever invisible prefix it has
        text = escape_command(text)
    metadata = {"channel": channel, "elder_mode": bool(elder_mode)}
    if region:
        metadata["region"] = region
    if identity_token:
        metadata["identity_token"] = identity_token
    started = time.perf_counter()
    try:
        raw = await res.rasa.send(sender_id, text, is_payload, metadata)
    except RasaUnavailable as exc:
        logger.warning(
            "rasa unavailable: %s", exc, extra={"fields": {"event": "chat_error", "channel": channel, "kind": exc.kind}}
        )
        metrics.errors.labels(label, exc.kind).inc()
        raise ChatUnavailable(channel_text(UNAVAILABLE, res.store)) from exc
    elapsed = time.perf_counter() - started
    messages, sources = convert.convert(raw.get("messages", []))
    intent = raw.get("intent") or {}
    reply = {
        "sender_id": sender_id,
        "messages": messages,
        "sources": sources,
        "intent": {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)},
    }
    failed = await _failed_turn(res, reply)
    if failed:
        logger.warning(
            "chat turn without an answer: %s",
            failed,
            extra={"fields": {"event": "chat_error", "channel": channel, "kind": failed}},
        )
        metrics.errors.labels(label, failed).inc()
        reply.update(messages=[{"type": "text", "text": channel_text(UNAVAILABLE, res.store)}], sources=[])
    if not failed:
        try:
            await handover.after_turn(res, sender_id, channel, text, reply)
        except (KVError, OSError) as exc:
            logger.warning("live-chat state not kept: %s", exc)
    await res.buttons.remember(sender_id, convert.button_payloads(reply["messages"]))
    fallback, handoff = (False, False) if failed else (is_fallback(reply), is_handoff(reply))
    metrics.turns.labels(label).inc()
    metrics.turn_duration.labels(label).observe(elapsed)
    if fallback:
        metrics.fallbacks.labels(label).inc()
    if handoff:
        metrics.handoffs.labels(label, reply["intent"]["name"] or "unknown").inc()
    logger.info(
        "chat turn",
        extra={
            "fields": {
                "event": "chat_turn",
                "channel": channel,
                "sender": sender_id,
                "text": mask_text(text),
                "payload": is_payload,
                "intent": reply["intent"]["name"],
                "confidence": reply["intent"]["confidence"],
                "sources": [f"{s['type']}:{s['id']}" for s in reply["sources"]],
                "fallback": fallback,
                "handoff": handoff,
                "elder_mode": bool(elder_mode),
                "duration_ms": round(elapsed * 1000, 1),
            }
        },
    )
    return reply
