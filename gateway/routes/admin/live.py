"""/admin/live: the agents' console (坐席工作台) — the queue, taking a conversation, replying, sending a
knowledge-base entry, transferring, closing, and answering 离线留言 tickets. Role `agent` and above.

The console beats (`POST /admin/live/heartbeat`) every few seconds while it is open; a session whose
agent has not beaten for LIVE_AGENT_TIMEOUT_SECONDS goes back to the queue (swept whenever any console
reads the queue, and every LIVE_SWEEP_SECONDS in the background: gateway/live/sweep.py), so a closed browser
loses nothing."""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from gateway.channels.wording import channel_text
from gateway.live import delivery, handover, sweep
from gateway.live.desk import Agent, LiveDeskError
from gateway.live.hours import OVERRIDE_KEY, describe, effective_config, hours_for, is_open, local_now, zone
from gateway.resources import Resources, resources
from gateway.routes.admin.deps import MAX_INT, allow, current_staff
from gateway.routes.admin.schemas import LiveClose, LiveEntry, LiveText, LiveTransfer
from knowledge import audit
from knowledge.schema import LiveChat
from knowledge.staff import StaffMember
from privacy import mask_text

router = APIRouter(prefix="/admin/live", tags=["坐席工作台"])
SESSION = Path(..., ge=1, le=MAX_INT, description="会话编号")


def agent_of(who: StaffMember = Depends(current_staff)) -> Agent:
    return Agent("admin" if who.token_id is None else str(who.token_id), who.name)


def _refused(exc: LiveDeskError) -> JSONResponse:
    return JSONResponse({"detail": exc.message}, status_code=exc.status)


def _shown_sender(sender_id: str) -> str:
    """Who the citizen is, as the console shows it: never a whole openid or number."""
    return mask_text(sender_id) if len(sender_id) <= 8 else sender_id[:4] + "…" + sender_id[-4:]


def _summary(res: Resources, session: Dict, now: dt.datetime) -> Dict:
    since = session["queued_at"] if session["status"] == "waiting" else session["created_at"]
    return {
        "id": session["id"],
        "kind": session["kind"],
        "status": session["status"],
        "channel": session["channel"],
        "citizen": _shown_sender(session["sender_id"]),
        "department": session["department"],
        "department_name": handover.department_name(res, session["department"]),
        "topic": session["topic"],
        "agent": session["agent"],
        "waited_seconds": round((now - since).total_seconds()),
        "requeued": session["requeued"],
        "created_at": session["created_at"],
        "outcome": session["outcome"],
        "rating": session["rating"],
        "contact": session["contact"],
    }


async def _say(request: Request, res: Resources, session: Dict, message_id: int, text: str, agent: str = "") -> str:
    return await delivery.deliver(res, request.app.state.wechat, session, message_id, text, agent)


async def _system(request: Request, res: Resources, session_id: int, text: str, extra: Optional[Dict] = None) -> str:
    return await delivery.say_system(res, request.app.state.wechat, session_id, text, extra)


def departments(res: Resources) -> List[Dict]:
    config = effective_config(res.store)
    now = local_now(zone(res.settings.live_chat_timezone))
    found = [{"id": "", "name": handover.department_name(res, "")}]
    found += [{"id": d["id"], "name": d.get("name", d["id"])} for d in res.store.iter_entries("department")]
    for d in found:
        hours = hours_for(config, d["id"])
        d.update(hours=describe(hours), open_now=is_open(hours, now))
    return found


@router.post("/heartbeat", summary="坐席在线心跳（工作台打开时每隔几秒调用）", **allow("live_chat"))
async def heartbeat(res: Resources = Depends(resources), agent: Agent = Depends(agent_of)) -> Dict:
    mine = await run_in_threadpool(res.live.heartbeat, agent)
    return {"agent": agent.name, "sessions": [s["id"] for s in mine]}


@router.post("/sign-off", summary="坐席下线：其接待中的会话退回排队", **allow("live_chat"))
async def sign_off(request: Request, res: Resources = Depends(resources), agent: Agent = Depends(agent_of)) -> Dict:
    returned = await run_in_threadpool(res.live.sign_off, agent)
    await sweep.requeued(res, request.app.state.wechat, returned)
    return {"returned": returned}


@router.get(
    "/queue", summary="排队中的会话（等待时长、猜测的部门与话题）、我接待中的会话、在线坐席数", **allow("live_chat")
)
async def queue(
    request: Request,
    department: Optional[str] = Query(None, max_length=64, description="只看某部门的排队"),
    res: Resources = Depends(resources),
    agent: Agent = Depends(agent_of),
) -> Dict:
    await sweep.sweep(res, request.app.state.wechat)
    now = dt.datetime.utcnow()
    waiting = await run_in_threadpool(res.live.queue, department)
    mine = await run_in_threadpool(res.live.sessions_of, agent)
    tickets = await run_in_threadpool(res.live.tickets, "open")
    return {
        "waiting": [_summary(res, s, now) for s in waiting],
        "mine": [_summary(res, s, now) for s in mine],
        "open_tickets": len(tickets),
        "agents_online": await run_in_threadpool(res.live.agents_online),
    }


@router.get("/departments", summary="可转接的部门及其人工服务时间", **allow("live_chat"))
async def list_departments(res: Resources = Depends(resources)) -> Dict:
    return {"items": await run_in_threadpool(departments, res)}


@router.get(
    "/sessions/{session_id}", summary="会话详情：此前与机器人的对话、机器人给出的条目、人工消息", **allow("live_chat")
)
async def session_detail(session_id: int = SESSION, res: Resources = Depends(resources)):
    try:
        session = await run_in_threadpool(res.live.session, session_id)
    except LiveDeskError as exc:
        return _refused(exc)
    found = await run_in_threadpool(res.live.messages_of, session_id)
    return {
        **_summary(res, session, dt.datetime.utcnow()),
        "transcript": session["transcript"],
        "offered": session["offered"],
        "messages": [
            {
                "id": m["id"],
                "author": m["author"],
                "name": m["name"],
                "text": m["text"],
                "source": m["extra"].get("source"),
                "delivery": m["delivery"],
                "delivery_name": delivery.DELIVERY_NAMES.get(m["delivery"], m["delivery"]),
                "at": m["at"],
            }
            for m in found
        ],
    }


@router.post(
    "/sessions/{session_id}/take", summary="接入排队中的会话（两人同时点，只有一人接入）", **allow("live_chat")
)
async def take(
    request: Request, session_id: int = SESSION, res: Resources = Depends(resources), agent: Agent = Depends(agent_of)
):
    await run_in_threadpool(res.live.heartbeat, agent)
    try:
        session = await run_in_threadpool(res.live.take, session_id, agent)
    except LiveDeskError as exc:
        return _refused(exc)
    res.metrics.live_sessions.labels("taken").inc()
    res.metrics.live_wait.observe(max(0.0, (session["taken_at"] - session["queued_at"]).total_seconds()))
    await _system(request, res, session_id, channel_text("utter_live_taken", res.store, agent=agent.name))
    return _summary(res, session, dt.datetime.utcnow())


async def _agent_says(request: Request, res: Resources, session_id: int, agent: Agent, text: str, extra=None):
    try:
        before = await run_in_threadpool(res.live.owned, session_id, agent)
        message_id = await run_in_threadpool(res.live.agent_message, session_id, agent, text, extra)
    except LiveDeskError as exc:
        return _refused(exc)
    session = await run_in_threadpool(res.live.session, session_id)
    if before["first_response_at"] is None and session["first_response_at"] is not None:
        res.metrics.live_first_response.observe(
            max(0.0, (session["first_response_at"] - session["taken_at"]).total_seconds())
        )
    how = await _say(request, res, session, message_id, text, agent.name)
    return JSONResponse(
        {"id": message_id, "delivery": how, "delivery_name": delivery.DELIVERY_NAMES.get(how, how)}, status_code=201
    )


@router.post("/sessions/{session_id}/messages", status_code=201, summary="回复群众", **allow("live_chat"))
async def send_message(
    request: Request,
    body: LiveText,
    session_id: int = SESSION,
    res: Resources = Depends(resources),
    agent: Agent = Depends(agent_of),
):
    return await _agent_says(request, res, session_id, agent, body.text)


@router.post(
    "/sessions/{session_id}/entries", status_code=201, summary="把知识库中已发布的条目发给群众", **allow("live_chat")
)
async def send_entry(
    request: Request,
    body: LiveEntry,
    session_id: int = SESSION,
    res: Resources = Depends(resources),
    agent: Agent = Depends(agent_of),
):
    text = await run_in_threadpool(delivery.entry_text, res, body.kind, body.id)
    if text is None:
        raise HTTPException(404, f"知识库中没有已发布的条目 {body.kind}:{body.id}")
    entry = (await run_in_threadpool(res.store.get, body.kind, body.id)) or {}
    title = entry.get("question") or entry.get("name") or body.id
    source = {"type": body.kind, "id": body.id, "title": title}
    return await _agent_says(request, res, session_id, agent, text, {"source": source})


@router.post("/sessions/{session_id}/transfer", summary="转到其他部门的排队", **allow("live_chat"))
async def transfer(
    request: Request,
    body: LiveTransfer,
    session_id: int = SESSION,
    res: Resources = Depends(resources),
    agent: Agent = Depends(agent_of),
):
    known = {d["id"] for d in await run_in_threadpool(departments, res)}
    if body.department not in known:
        raise HTTPException(422, f"没有这个部门：{body.department}")
    try:
        session = await run_in_threadpool(res.live.transfer, session_id, agent, body.department)
    except LiveDeskError as exc:
        return _refused(exc)
    res.metrics.live_sessions.labels("transferred").inc()
    name = handover.department_name(res, body.department)
    await _system(request, res, session_id, channel_text("utter_live_transferred", res.store, department=name))
    return _summary(res, session, dt.datetime.utcnow())


@router.post("/sessions/{session_id}/close", summary="结束会话并记录结果；群众回到智能客服", **allow("live_chat"))
async def close(
    request: Request,
    body: LiveClose,
    session_id: int = SESSION,
    res: Resources = Depends(resources),
    agent: Agent = Depends(agent_of),
):
    try:
        session = await run_in_threadpool(res.live.close, session_id, body.outcome, agent)
    except LiveDeskError as exc:
        return _refused(exc)
    await handover.finished(res, session)
    buttons = handover.rating_buttons("utter_live_closed")
    await _system(request, res, session_id, channel_text("utter_live_closed", res.store), {"buttons": buttons})
    return _summary(res, session, dt.datetime.utcnow())


@router.get("/tickets", summary="离线留言", **allow("live_chat"))
async def tickets(
    status: Optional[str] = Query("open", regex="^(open|answered)$", description="open 待答复、answered 已答复"),
    res: Resources = Depends(resources),
) -> Dict:
    now = dt.datetime.utcnow()
    found = await run_in_threadpool(res.live.tickets, status)
    by_ticket = await run_in_threadpool(res.live.messages_of_many, [t["id"] for t in found])
    items = []
    for ticket in found:
        messages = by_ticket.get(ticket["id"], [])
        answer = next((m for m in messages if m["author"] == "agent"), None)
        items.append(
            {
                **_summary(res, ticket, now),
                # all the citizen wrote: one message, or what they sent while waiting for an agent who left
                "message": "\n".join(m["text"] for m in messages if m["author"] == "citizen"),
                "answer": answer["text"] if answer else None,
                "delivery": answer["delivery"] if answer else None,  # a code, as on a session's messages
                "delivery_name": delivery.DELIVERY_NAMES.get(answer["delivery"], answer["delivery"])
                if answer
                else None,
                "transcript": ticket["transcript"],
            }
        )
    return {"items": items}


@router.post(
    "/tickets/{ticket_id}/reply",
    status_code=201,
    summary="答复离线留言（送到群众的渠道或平台消息推送）",
    **allow("live_chat"),
)
async def answer_ticket(
    request: Request,
    body: LiveText,
    ticket_id: int = Path(..., ge=1, le=MAX_INT),
    res: Resources = Depends(resources),
    agent: Agent = Depends(agent_of),
):
    text = channel_text("utter_live_ticket_answer", res.store, number=ticket_id, text=body.text)
    try:
        message_id = await run_in_threadpool(res.live.answer_ticket, ticket_id, agent, text)
    except LiveDeskError as exc:
        return _refused(exc)
    res.metrics.live_sessions.labels("ticket_answered").inc()
    ticket = await run_in_threadpool(res.live.session, ticket_id)
    how = await _say(request, res, ticket, message_id, text)
    return JSONResponse(
        {"id": message_id, "delivery": how, "delivery_name": delivery.DELIVERY_NAMES.get(how, how)}, status_code=201
    )


@router.get("/entries", summary="在知识库中找条目，以便发给群众", **allow("live_chat"))
async def find_entries(
    q: str = Query(..., min_length=1, max_length=100, description="关键词"), res: Resources = Depends(resources)
) -> Dict:
    hits = await run_in_threadpool(res.searcher.search, q, None, 10)
    return {"items": [{"type": h.type, "id": h.id, "title": h.title, "snippet": h.snippet} for h in hits]}


@router.get("/hours", summary="人工服务时间与排队上限（生效中的设置）", **allow("live_chat"))
async def get_hours(res: Resources = Depends(resources)) -> Dict:
    config = await run_in_threadpool(effective_config, res.store)
    overridden = bool(await run_in_threadpool(res.store.get_meta, OVERRIDE_KEY))
    return {**config.dict(), "source": "console" if overridden else "profile"}


@router.put("/hours", summary="设置人工服务时间（按部门）与排队上限；覆盖档案中的 live_chat", **allow("manage_staff"))
async def set_hours(body: LiveChat, res: Resources = Depends(resources), who: StaffMember = Depends(current_staff)):
    def save() -> None:
        with res.store.transaction(entries_lock=False) as conn:
            res.store.set_meta(OVERRIDE_KEY, body.json(ensure_ascii=False), conn)
            audit.record(conn, who.name, who.role, "live_hours", queue_limit=body.queue_limit)

    await run_in_threadpool(save)
    return {**body.dict(), "source": "console"}


@router.delete("/hours", summary="撤销在工作台设置的人工服务时间，回到档案中的 live_chat", **allow("manage_staff"))
async def reset_hours(res: Resources = Depends(resources), who: StaffMember = Depends(current_staff)) -> Dict:
    def reset() -> LiveChat:
        with res.store.transaction(entries_lock=False) as conn:
            res.store.set_meta(OVERRIDE_KEY, "", conn)  # empty: no override (hours.effective_config)
            audit.record(conn, who.name, who.role, "live_hours_reset")
        return effective_config(res.store)

    config = await run_in_threadpool(reset)
    return {**config.dict(), "source": "profile"}
