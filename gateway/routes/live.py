"""GET /api/chat/{sender_id}/events: what live agents said to a citizen, for the web page and `/api/chat`
clients (WeChat gets it as customer-service messages). Polling, chosen over server-sent events because it
passes any reverse proxy unchanged (docs/live-agents.md has the measurement)."""

from __future__ import annotations

from typing import Dict, List

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from starlette.concurrency import run_in_threadpool

from gateway.address_limits import limit_by_address
from gateway.channels.messages import buttons_text
from gateway.channels.sender_ids import reserved_prefix
from gateway.live import delivery
from gateway.live.handover import live_state
from gateway.resources import Resources, resources

router = APIRouter(tags=["对话"])
MAX_ID = 2_147_483_647
# While only a 离线留言 is open the page pulls this slowly: well within delivery.SEEN_SECONDS, so an answer to a
# citizen whose page is open is shown there and not also pushed to their phone.
TICKET_POLL_SECONDS = 20.0


def event_messages(event: Dict) -> List[Dict]:
    extra = event.get("extra") or {}
    if extra.get("buttons"):
        # as every buttons message of the contract: the plain text lists the choices, numbered
        return [{"type": "buttons", "text": buttons_text(event["text"], extra["buttons"]), "buttons": extra["buttons"]}]
    return [{"type": "text", "text": event["text"]}]


@router.get(
    "/api/chat/{sender_id}/events",
    summary="转人工：拉取人工客服发给该用户的消息（轮询）",
    dependencies=[Depends(limit_by_address("events"))],
)
async def events(
    sender_id: str = Path(..., min_length=1, max_length=128),
    after: int = Query(0, ge=0, le=MAX_ID, description="上次拿到的最后一条消息的 id；首次为 0"),
    res: Resources = Depends(resources),
) -> Dict:
    channel = reserved_prefix(sender_id)
    if channel:
        raise HTTPException(422, f"请求参数有误：sender_id 不能以“{channel}:”开头，该前缀属于服务端渠道")
    found = await run_in_threadpool(res.live.events, sender_id, after)
    session, tickets_open = await run_in_threadpool(res.live.open_of, sender_id)
    await delivery.seen(res, sender_id)
    state = None
    if session is not None:
        ahead = await run_in_threadpool(res.live.position, session) - 1 if session["status"] == "waiting" else None
        state = live_state(session, ahead)
    return {
        "sender_id": sender_id,
        "events": [
            {
                "id": e["id"],
                "author": e["author"],
                "agent": e["name"] or None,
                "messages": event_messages(e),
                "sources": [e["extra"]["source"]] if e["extra"].get("source") else [],
                "at": e["at"],
            }
            for e in found
        ],
        "next": found[-1]["id"] if found else after,
        "live": state,
        "poll_seconds": res.settings.live_poll_seconds,
        "tickets_open": tickets_open,  # 离线留言 not answered yet: pull every ticket_poll_seconds meanwhile
        "ticket_poll_seconds": TICKET_POLL_SECONDS,
    }
