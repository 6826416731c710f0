"""The chat turn's side of 转人工 (called from gateway/channels/chat_service.handle_turn).

Before Rasa: while the sender has a waiting or active session, what they type goes to the agent (and,
recorded, to Rasa's paused tracker), except "取消", which cancels the wait or ends the session; while the
sender is leaving a 离线留言, the text is the message or the contact; right after a session, "满意 / 基本满意 /
不满意" rates it. After Rasa: every turn is remembered for the agent; a reply that hands over (a message of
type "handoff": "转人工", the last step of the fallback ladder) opens a session when someone is on duty,
and offers 离线留言 otherwise. Rasa is paused with a `pause` event and resumed with `resume`, through the
gateway channel's control endpoint (rasa_server/input_channel.py)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from typing import Dict, List, Optional

from starlette.concurrency import run_in_threadpool

from gateway.channels import messages as convert
from gateway.channels.wording import channel_text
from gateway.live import recent
from gateway.live.desk import LiveDeskError
from gateway.live.hours import describe, effective_config, hours_for, is_open, local_now, zone
from gateway.rasa_client import RasaUnavailable
from gateway.resources import Resources
from knowledge.responses import variation
from nlu.normalize import normalize
from privacy import find_phone

logger = logging.getLogger(__name__)

CANCEL_WORDS = {"取消", "取消转人工", "不转了", "不用了", "结束", "结束人工", "结束对话", "退出人工", "回到智能客服"}
RATINGS = {"满意": 5, "好评": 5, "非常满意": 5, "基本满意": 3, "一般": 3, "不满意": 1, "差评": 1}
LEAVE_MESSAGE = {"留言", "我要留言", "留个言", "好", "好的", "是", "要", "可以"}
OFFLINE_STATE = {"status": "offline_message"}
NO_CONTACT = {"不留", "不用", "不留了", "不需要", "无"}
OFFLINE_SECONDS = 30 * 60
RATING_SECONDS = 30 * 60
INTENT = "live_chat"


def _offline_key(sender_id: str) -> str:
    return f"live:offline:{sender_id}"


def _rating_key(sender_id: str) -> str:
    return f"live:rating:{sender_id}"


def _word(text: str) -> str:
    return re.sub(r"[\s，。！？!?,.~～]+", "", normalize(text))


def reply(sender_id: str, messages: List[Dict], live: Optional[Dict] = None) -> Dict:
    return {
        "sender_id": sender_id,
        "messages": messages,
        "sources": [],
        "intent": {"name": INTENT, "confidence": 1.0},
        "live": live,
    }


def text_message(text: str) -> Dict:
    return {"type": "text", "text": text}


def rating_buttons(name: str) -> List[Dict]:
    """The rating choices of a closing response (bot/domain/live_chat.yml)."""
    return [{"title": b["title"], "payload": b["payload"]} for b in variation(name).get("buttons") or []]


def rating_message(res: Resources, name: str) -> Dict:
    text, buttons = channel_text(name, res.store), rating_buttons(name)
    return {"type": "buttons", "text": convert.buttons_text(text, buttons), "buttons": buttons}


def live_state(session: Dict, ahead: Optional[int] = None) -> Dict:
    state = {"session_id": session["id"], "status": session["status"], "agent": session.get("agent")}
    if ahead is not None:
        state["ahead"] = ahead
    return state


# -- before Rasa ------------------------------------------------------------------------------------------


async def before_turn(res: Resources, sender_id: str, text: str, channel: str) -> Optional[Dict]:
    """The reply when the gateway handles the text itself (a live session, 离线留言, a rating), else None."""
    session = await run_in_threadpool(res.live.open_chat, sender_id)
    if session is not None and session["status"] == "waiting" and _abandoned(res, session):
        for closed in await run_in_threadpool(res.live.expire_abandoned, res.settings.live_abandon_minutes * 60):
            res.metrics.live_sessions.labels("closed_abandoned").inc()
            await resume(res, closed)
        session = await run_in_threadpool(res.live.open_chat, sender_id)
    if session is not None:
        return await _in_session(res, session, text)
    offline = await res.kv.get(_offline_key(sender_id))
    if offline:
        return await _offline_step(res, sender_id, text, channel, json.loads(offline))
    pending = await res.kv.get(_rating_key(sender_id))
    if pending:
        await res.kv.delete(_rating_key(sender_id))
        word = _word(text)
        choices = rating_buttons("utter_live_closed")
        if word.isdigit() and 1 <= int(word) <= len(choices):  # a text-only channel numbers the choices (WeChat)
            word = choices[int(word) - 1]["title"]
        value = RATINGS.get(word)
        if value and await run_in_threadpool(res.live.rate, int(pending), value):
            res.metrics.live_ratings.labels(str(value)).inc()
            return reply(sender_id, [text_message(channel_text("utter_live_rated", res.store))])
    return None


def _abandoned(res: Resources, session: Dict) -> bool:
    silent = dt.datetime.utcnow() - (session["last_citizen_at"] or session["created_at"])
    return silent.total_seconds() > res.settings.live_abandon_minutes * 60


async def _in_session(res: Resources, session: Dict, text: str) -> Dict:
    sender_id, desk = session["sender_id"], res.live
    if _word(text) in CANCEL_WORDS:
        if session["status"] == "waiting" and await run_in_threadpool(desk.cancel, session["id"]):
            res.metrics.live_sessions.labels("cancelled").inc()
            await resume(res, session)
            return reply(sender_id, [text_message(channel_text("utter_live_cancelled", res.store))])
        try:
            closed = await run_in_threadpool(desk.close, session["id"], "citizen_ended")
        except LiveDeskError:  # taken or closed meanwhile: read it again
            fresh = await run_in_threadpool(desk.open_chat, sender_id)
            return await _in_session(res, fresh, text) if fresh else reply(sender_id, [])
        await finished(res, closed)
        return reply(sender_id, [rating_message(res, "utter_live_ended_by_citizen")])
    await run_in_threadpool(desk.citizen_message, session["id"], sender_id, text)
    if session["rasa_paused"]:
        await _record_in_rasa(res, sender_id, text)
    if session["status"] == "waiting":
        ahead = await run_in_threadpool(desk.position, session) - 1
        said = channel_text("utter_live_still_waiting", res.store, ahead=ahead)
        return reply(sender_id, [text_message(said)], live_state(session, ahead))
    return reply(sender_id, [], live_state(session))


async def _record_in_rasa(res: Resources, sender_id: str, text: str) -> None:
    """The paused tracker logs the message (the conversation's record stays whole) and predicts nothing."""
    try:
        await res.rasa.send(sender_id, text, False, {"live_chat": True})
    except RasaUnavailable as exc:
        logger.warning("rasa did not record a live-chat message: %s", exc)


async def _offline_step(res: Resources, sender_id: str, text: str, channel: str, state: Dict) -> Optional[Dict]:
    """离线留言 in three steps: the offer (only "留言" accepts it: anything else goes on to the bot, so a
    citizen who ignores the offer is never turned into a ticket), the message, the contact."""
    key, word = _offline_key(sender_id), _word(text)
    if word in CANCEL_WORDS:
        await res.kv.delete(key)
        return reply(sender_id, [text_message(channel_text("utter_live_cancelled", res.store))])
    if state.get("step") == "offer":
        if word not in LEAVE_MESSAGE:
            await res.kv.delete(key)
            return None
        state["step"] = "message"
        await res.kv.set(key, json.dumps(state, ensure_ascii=False), ttl=OFFLINE_SECONDS)
        return reply(sender_id, [text_message(channel_text("utter_live_ask_message", res.store))], OFFLINE_STATE)
    if state.get("step") == "message":
        state["message"] = text
        contact = find_phone(text)  # one left in the message: not asked again
        if not contact:
            state["step"] = "contact"
            await res.kv.set(key, json.dumps(state, ensure_ascii=False), ttl=OFFLINE_SECONDS)
            return reply(sender_id, [text_message(channel_text("utter_live_ask_contact", res.store))], OFFLINE_STATE)
    elif word in NO_CONTACT:
        contact = ""
    else:
        contact = find_phone(text)
        if not contact:
            said = channel_text("utter_live_contact_invalid", res.store)
            return reply(sender_id, [text_message(said)], OFFLINE_STATE)
    await res.kv.delete(key)
    ticket = await run_in_threadpool(
        lambda: res.live.open_session(
            sender_id,
            channel,
            state.get("department", ""),
            state.get("topic") or state["message"],  # nothing asked before: the message is the topic
            state.get("offered", []),
            state.get("transcript", []),
            kind="ticket",
            contact=contact,
            first_message=state["message"],
        )
    )
    res.metrics.live_sessions.labels("ticket").inc()
    said = channel_text("utter_live_ticket_received", res.store, number=ticket["id"])
    return reply(sender_id, [text_message(said)], {"ticket_id": ticket["id"], "status": "open"})


# -- after Rasa -------------------------------------------------------------------------------------------


async def after_turn(res: Resources, sender_id: str, channel: str, text: str, answer: Dict) -> None:
    """Remembers the turn; turns a hand-over reply into a live session or an offer of 离线留言."""
    handoff = next((m for m in answer["messages"] if m.get("type") == "handoff"), None)
    turns = await recent.recall(res.kv, sender_id)
    if handoff is not None and res.settings.live_chat_enabled:
        await _hand_over(res, sender_id, channel, text, handoff, turns)
        answer["live"] = handoff["live"]  # on the reply too, as on every later turn of the session
    await recent.remember(res.kv, sender_id, text, convert.plain_text(answer["messages"]), answer["sources"], turns)


def department_of(res: Resources, handoff: Dict, offered: List[Dict]) -> str:
    """The item's department named by the hand-over, else that of the latest entry offered, else ""."""
    if handoff.get("department"):
        return str(handoff["department"])
    for source in offered:
        if source.get("type") in ("item", "faq", "app"):
            entry = res.store.get(source["type"], source["id"]) or {}
            if entry.get("department"):
                return entry["department"]
    return ""


def department_name(res: Resources, department: str) -> str:
    found = res.store.get("department", department) if department else None
    return (found or {}).get("name") or channel_text("utter_live_general_queue", res.store)


def _topic(res: Resources, handoff: Dict, offered: List[Dict], turns: List[Dict], text: str) -> str:
    if handoff.get("item"):
        item = res.store.get("item", handoff["item"]) or {}
        if item.get("name"):
            return item["name"]
    if offered:
        return offered[0].get("title", "")
    asked = [t["question"] for t in turns if t.get("question")]
    return asked[-1] if asked else ""  # 离线留言 then takes its topic from the message


async def _hand_over(res: Resources, sender_id: str, channel: str, text: str, handoff: Dict, turns: List[Dict]) -> None:
    offered = recent.offered(turns)
    department = await run_in_threadpool(department_of, res, handoff, offered)
    topic = await run_in_threadpool(_topic, res, handoff, offered, turns, text)
    transcript = turns + [{"question": text, "answer": "", "sources": []}]
    config = await run_in_threadpool(effective_config, res.store)
    hours = hours_for(config, department)
    in_hours = is_open(hours, local_now(zone(res.settings.live_chat_timezone)))
    desk = res.live
    on_duty = in_hours and await run_in_threadpool(desk.agents_online) > 0
    if on_duty and await run_in_threadpool(desk.waiting_count) < config.queue_limit:
        session = await run_in_threadpool(
            lambda: desk.open_session(sender_id, channel, department, topic, offered, transcript)
        )
        res.metrics.live_sessions.labels("opened").inc()
        paused = await pause(res, sender_id)
        await run_in_threadpool(desk.mark_paused, session["id"], paused)
        ahead = await run_in_threadpool(desk.position, session) - 1
        wait = await run_in_threadpool(desk.estimated_wait_seconds, ahead + 1)
        said = channel_text(
            "utter_live_waiting",
            res.store,
            department=department_name(res, department),
            ahead=ahead,
            minutes=max(1, math.ceil(wait / 60)),
        )
        handoff.update(text=said, live=live_state(session, ahead))
        return
    state = {"step": "offer", "department": department, "topic": topic, "offered": offered, "transcript": transcript}
    await res.kv.set(_offline_key(sender_id), json.dumps(state, ensure_ascii=False), ttl=OFFLINE_SECONDS)
    if in_hours:
        said = channel_text("utter_live_offline_busy", res.store)
    else:
        said = channel_text("utter_live_offline_hours", res.store, hours=describe(hours))
    # the bot's own hand-over text (hotline, the department's phone) stays: it is still true
    handoff.update(text=handoff.get("text", "") + "\n" + said, live=OFFLINE_STATE)


# -- pausing and resuming the bot -------------------------------------------------------------------------


async def pause(res: Resources, sender_id: str) -> bool:
    try:
        await res.rasa.control(sender_id, "pause")
        return True
    except RasaUnavailable as exc:  # the gateway still keeps the bot out of the conversation
        logger.warning("could not pause the Rasa conversation: %s", exc)
        return False


async def resume(res: Resources, session: Dict) -> None:
    if not session.get("rasa_paused"):
        return
    try:
        await res.rasa.control(session["sender_id"], "resume")
    except RasaUnavailable as exc:
        logger.warning("could not resume the Rasa conversation: %s", exc)


async def finished(res: Resources, session: Dict) -> None:
    """A closed session: the bot takes the conversation back and the next message may rate the session."""
    await resume(res, session)
    await res.kv.set(_rating_key(session["sender_id"]), str(session["id"]), ttl=RATING_SECONDS)
    res.metrics.live_sessions.labels(f"closed_{session['outcome'] or 'unknown'}").inc()
