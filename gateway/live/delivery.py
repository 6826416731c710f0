"""How what an agent (or the desk) says reaches the citizen, by channel:

- every channel: the message is stored; the web page and `/api/chat` clients pull it
  (`GET /api/chat/{sender_id}/events`);
- WeChat Official Account and mini-program: also sent as a customer-service message, allowed by WeChat only
  within 48 hours of the citizen's last message — outside it the agent is told it was not delivered;
- a 离线留言's answer when the chat window is closed (the citizen has not pulled for a minute, or WeChat's
  window has passed): the platform's message push through the application API (`POST /messages`), to the
  contact the citizen left.
Returns what happened, as a short code the console shows (DELIVERY_NAMES)."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Dict, Optional

import httpx
from starlette.concurrency import run_in_threadpool

from gateway.channels.messages import buttons_text
from gateway.channels.sender_ids import SERVER_CHANNELS
from gateway.channels.wechat.api import WeChatApiError
from gateway.channels.wording import channel_text
from gateway.kv import KVError
from gateway.resources import Resources
from knowledge import guide_text

logger = logging.getLogger(__name__)

WECHAT_WINDOW = dt.timedelta(hours=48)
# A citizen who pulled within this is still looking at the chat. Above a minute: a browser slows the timers of a
# background tab to once a minute, and the page pulls every 20 s while a 离线留言 is open (routes/live.py).
SEEN_SECONDS = 90.0
DELIVERY_NAMES = {
    "pull": "已发送（对方页面自动接收）",
    "wechat": "已通过微信客服消息送达",
    "wechat_window_passed": "未送达：已超过微信 48 小时客服消息时限，请改用电话等方式联系",
    "wechat_failed": "未送达：微信客服消息发送失败",
    "wechat_not_configured": "未送达：未配置该微信账号的 AppSecret，不能发客服消息",
    "platform_push": "已通过平台消息推送送达",
    "platform_push_failed": "未送达：平台消息推送失败",
}


def _seen_key(sender_id: str) -> str:
    return f"live:seen:{sender_id}"


async def seen(res: Resources, sender_id: str) -> None:
    """The citizen's page pulled just now (not remembered while the key-value store is down: then a ticket's
    answer also goes by platform push, which is the safe side)."""
    try:
        await res.kv.set(_seen_key(sender_id), "1", ttl=SEEN_SECONDS)
    except (KVError, OSError) as exc:
        logger.warning("live-chat pull not remembered: %s", exc)


async def _seen_recently(res: Resources, sender_id: str) -> bool:
    try:
        return bool(await res.kv.get(_seen_key(sender_id)))
    except (KVError, OSError):
        return False


async def deliver(res: Resources, wechat, session: Dict, message_id: int, text: str, agent: str = "") -> str:
    """Sends the stored message `message_id` on the session's channel; records and returns how it went."""
    how = await _send(res, wechat, session, message_id, text, agent)
    res.live.set_delivery(message_id, how)
    return how


async def say_system(res: Resources, wechat, session_id: int, text: str, extra: Optional[Dict] = None) -> str:
    """The desk's own words to the citizen (taken, transferred, closed, requeued), stored and delivered."""
    message_id = await run_in_threadpool(res.live.system_message, session_id, text, extra)
    session = await run_in_threadpool(res.live.session, session_id)
    shown = buttons_text(text, extra["buttons"]) if extra and extra.get("buttons") else text
    return await deliver(res, wechat, session, message_id, shown)


async def _send(res: Resources, wechat, session: Dict, message_id: int, text: str, agent: str) -> str:
    ticket = session["kind"] == "ticket"
    if session["channel"] in SERVER_CHANNELS:
        last = session.get("last_citizen_at") or session["created_at"]
        if dt.datetime.utcnow() - last > WECHAT_WINDOW:
            if ticket and session.get("contact"):
                return await platform_push(res, session, message_id, text)
            return "wechat_window_passed"
        shown = channel_text("utter_live_agent_says", res.store, agent=agent, text=text) if agent else text
        return await _wechat(wechat, session, shown)
    if ticket and session.get("contact") and not await _seen_recently(res, session["sender_id"]):
        return await platform_push(res, session, message_id, text)
    return "pull"


async def _wechat(wechat, session: Dict, text: str) -> str:
    endpoint = wechat.endpoints.get(session["channel"]) if wechat is not None else None
    api = endpoint.handler.api if endpoint is not None else None
    if api is None:
        return "wechat_not_configured"
    openid = session["sender_id"].split(":", 1)[1]
    try:
        await api.send_text(openid, text)
    except WeChatApiError as exc:
        logger.warning("live-chat message not delivered by WeChat: %s", exc)
        return "wechat_failed"
    return "wechat"


def _push_headers(res: Resources, message_id: int) -> Dict[str, str]:
    headers = {"Idempotency-Key": f"live-message-{message_id}"}  # a retry never pushes twice
    if res.settings.application_api_service_token:  # the gateway's own credential, not a citizen's
        headers["Authorization"] = f"Bearer {res.settings.application_api_service_token}"
    return headers


async def platform_push(res: Resources, session: Dict, message_id: int, text: str) -> str:
    """The platform's message push (站内信/短信) through the application API, once per message."""
    title = channel_text("utter_live_push_title", res.store)
    body = {"phone": session["contact"], "sender_id": session["sender_id"], "title": title, "text": text}
    url = res.settings.application_api_url.rstrip("/") + "/messages"
    try:
        async with httpx.AsyncClient(timeout=res.settings.application_api_timeout_seconds) as client:
            response = await client.post(url, json=body, headers=_push_headers(res, message_id))
    except httpx.HTTPError as exc:
        logger.warning("platform push failed: %s", type(exc).__name__)
        return "platform_push_failed"
    return "platform_push" if response.status_code < 300 else "platform_push_failed"


def entry_text(res: Resources, kind: str, entry_id: str) -> Optional[str]:
    """A published knowledge-base entry as an agent's reply (its own words, so the reply stays traceable)."""
    row = res.store.get_row(kind, entry_id)
    if not row or row["status"] != "published":
        return None
    entry = row["data"]
    if kind == "faq":
        return f"{entry['question']}\n{entry['answer']}"
    if kind == "item":  # the guide as the bot's guide card reads, province-wide
        say = partial(channel_text, store=res.store)
        return guide_text.guide_text(entry, guide_text.guide_sections(entry, None, say), say)
    if kind in ("app", "package"):
        link = entry.get("link") or ""
        return "\n".join(x for x in (f"【{entry['name']}】", entry.get("description", ""), link) if x)
    return None
