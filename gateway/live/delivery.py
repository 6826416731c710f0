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
from typing import Dict, Optional

import httpx

from gateway.channels.sender_ids import SERVER_CHANNELS
from gateway.channels.wechat.api import WeChatApiError
from gateway.channels.wording import channel_text
from gateway.resources import Resources

logger = logging.getLogger(__name__)

WECHAT_WINDOW = dt.timedelta(hours=48)
SEEN_SECONDS = 60.0  # a citizen who pulled within this is still looking at the chat
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
    """The citizen's page pulled just now."""
    await res.kv.set(_seen_key(sender_id), "1", ttl=SEEN_SECONDS)


async def deliver(res: Resources, wechat, session: Dict, message_id: int, text: str, agent: str = "") -> str:
    """Sends the stored message `message_id` on the session's channel; records and returns how it went."""
    how = await _send(res, wechat, session, message_id, text, agent)
    res.live.set_delivery(message_id, how)
    return how


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
    if ticket and session.get("contact") and not await res.kv.get(_seen_key(session["sender_id"])):
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


async def platform_push(res: Resources, session: Dict, message_id: int, text: str) -> str:
    """The platform's message push (站内信/短信) through the application API, once per message."""
    title = channel_text("utter_live_push_title", res.store)
    body = {"phone": session["contact"], "sender_id": session["sender_id"], "title": title, "text": text}
    url = res.settings.application_api_url.rstrip("/") + "/messages"
    try:
        async with httpx.AsyncClient(timeout=res.settings.application_api_timeout_seconds) as client:
            response = await client.post(url, json=body, headers={"Idempotency-Key": f"live-message-{message_id}"})
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
    if kind == "item":
        lines = [f"【{entry['name']}】", f"办理条件：{entry.get('conditions', '')}"]
        materials = "、".join(m.get("name", "") for m in entry.get("materials") or [])
        if materials:
            lines.append(f"所需材料：{materials}")
        lines += [f"承诺时限：{entry.get('promised_time_limit', '')}", f"收费：{entry.get('fee', '')}"]
        online = entry.get("online") or {}
        if online.get("available"):
            lines.append(f"掌上可办：{online.get('channel', '')} {online.get('link', '')}".rstrip())
        return "\n".join(lines)
    if kind in ("app", "package"):
        link = entry.get("link") or ""
        return "\n".join(x for x in (f"【{entry['name']}】", entry.get("description", ""), link) if x)
    return None
