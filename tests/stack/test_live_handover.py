"""转人工 on the real stack (gateway → Rasa → action server): the fallback ladder's last step hands over to a
live agent when one is on duty; Rasa's tracker is paused while the conversation is with a person (it logs the
citizen's words and answers nothing) and resumed after; "取消" returns to the bot; a citizen who left long ago
is not kept in the queue; with nobody on duty the ladder ends with 12345 and the offer of 离线留言, and a
citizen who ignores the offer is answered by the bot."""

from __future__ import annotations

import httpx
import pytest

from devtools.support.services import rasa_api_params
from tests.conftest import STACK_ADMIN_TOKEN

pytestmark = pytest.mark.stack
ADMIN = {"Authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
ALWAYS = {"hours": {"days": [1, 2, 3, 4, 5, 6, 7], "periods": ["00:00-24:00"]}, "departments": {}, "queue_limit": 20}
NEVER = {"hours": {"days": [], "periods": []}, "departments": {}, "queue_limit": 20}
UNCLEAR = ["吧啦吧啦", "叽里咕噜手续", "啊这"]  # as tests/dialogue/test_fallback_ladder.py


@pytest.fixture
def hours(stack):
    """set(config) for the test; the hours in force before come back afterwards."""
    before = httpx.get(stack.gateway + "/admin/live/hours", headers=ADMIN, timeout=10).json()
    before.pop("source")

    def put(config):
        assert httpx.put(stack.gateway + "/admin/live/hours", json=config, headers=ADMIN, timeout=10).status_code == 200

    yield put
    put(before)


@pytest.fixture
def agent(stack):
    made = httpx.post(
        stack.gateway + "/admin/staff", json={"name": "周坐席", "role": "agent"}, headers=ADMIN, timeout=10
    ).json()
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert httpx.post(stack.gateway + "/admin/live/heartbeat", headers=headers, timeout=10).status_code == 200
    yield headers
    httpx.post(stack.gateway + "/admin/live/sign-off", headers=headers, timeout=10)  # off duty for the next tests


def tracker_events(stack, sender: str) -> list:
    url = f"{stack.env['RASA_URL']}/conversations/{sender}/tracker"
    return httpx.get(url, params=rasa_api_params(), timeout=10).json()["events"]


def test_the_ladder_hands_over_to_an_agent_and_the_bot_is_paused_until_cancelled(stack, hours, agent):
    hours(ALWAYS)
    say = stack.conversation("live-ladder-")
    for text in UNCLEAR[:2]:
        say(text)
    handed = say(UNCLEAR[2])
    handoff = handed["messages"][0]
    assert handoff["type"] == "handoff" and handoff["live"]["status"] == "waiting"
    assert handoff["text"].startswith("正在为您转接") and "人工客服，您前面还有" in handoff["text"]
    sender = handed["sender_id"]
    queue = httpx.get(stack.gateway + "/admin/live/queue", headers=agent, timeout=10).json()["waiting"]
    mine = [s for s in queue if s["id"] == handoff["live"]["session_id"]]
    assert mine and mine[0]["status"] == "waiting"

    waiting = say("身份证丢了怎么补办")  # a question the bot would answer: now it is for the agent
    assert waiting["intent"]["name"] == "live_chat" and not waiting["sources"]
    assert waiting["messages"][0]["text"].startswith("已收到，人工客服接入后会看到这条消息")
    events = tracker_events(stack, sender)
    assert any(e["event"] == "pause" for e in events)
    assert events[-1]["event"] == "user" and events[-1]["text"] == "身份证丢了怎么补办"  # logged, nothing done

    cancelled = say("取消")
    assert cancelled["messages"][0]["text"].startswith("已取消转人工，回到智能客服")
    assert [e["event"] for e in tracker_events(stack, sender)][-2:] == ["resume", "action"]
    answered = say("身份证丢了怎么补办")
    assert answered["sources"] and answered["sources"][0]["id"] == "ga-idcard-reissue"
    detail = httpx.get(
        f"{stack.gateway}/admin/live/sessions/{handoff['live']['session_id']}", headers=agent, timeout=10
    ).json()
    assert detail["status"] == "cancelled"
    assert [m["text"] for m in detail["messages"] if m["author"] == "citizen"] == ["身份证丢了怎么补办"]
    assert [t["question"] for t in detail["transcript"]][:3] == UNCLEAR


def test_with_nobody_on_duty_the_ladder_ends_with_12345_and_an_ignored_offer_leaves_the_bot_answering(stack, hours):
    hours(NEVER)
    say = stack.conversation("live-off-")
    for text in UNCLEAR[:2]:
        say(text)
    handoff = say(UNCLEAR[2])["messages"][0]
    assert handoff["text"].startswith("抱歉，这个问题我还回答不好。\n人工服务请拨打 12345 政务服务便民热线")
    assert (
        "现在不是在线人工客服的服务时间（暂未开放）" in handoff["text"]
        and handoff["live"]["status"] == "offline_message"
    )
    assert say("你好")["intent"]["name"] == "greet"  # not a 留言: the offer is accepted only by “留言”


def test_a_citizen_who_left_long_ago_is_not_kept_waiting(stack, hours, agent, tmp_path):
    import sqlalchemy as sa

    hours(ALWAYS)
    say = stack.conversation("live-gone-")
    handed = say("我要转人工")
    session_id = handed["messages"][0]["live"]["session_id"]
    engine = sa.create_engine(stack.env["DATABASE_URL"])
    with engine.begin() as conn:  # three hours ago (LIVE_ABANDON_MINUTES is 120 by default)
        conn.execute(
            sa.text("UPDATE live_sessions SET last_citizen_at = datetime(last_citizen_at, '-3 hours') WHERE id = :id"),
            {"id": session_id},
        )
    engine.dispose()
    back = say("身份证丢了怎么补办")
    assert back["intent"]["name"] != "live_chat" and back["sources"]  # the bot again, resumed
    detail = httpx.get(f"{stack.gateway}/admin/live/sessions/{session_id}", headers=agent, timeout=10).json()
    assert detail["status"] == "closed" and detail["outcome"] == "abandoned"


def test_an_item_an_agent_sends_reads_as_the_bots_own_guide(stack, hours, agent):
    """The console's "send this entry" renders an item's 办事指南 with the same code as the bot's guide card
    (knowledge/guide_text.py): the citizen reads one guide, whoever sends it."""
    hours(ALWAYS)
    say = stack.conversation("live-entry-")
    answered = say("身份证丢了怎么补办")
    card = next(m for m in answered["messages"] if m["type"] == "guide_card")
    assert answered["sources"][0]["id"] == "ga-idcard-reissue"
    handed = say("转人工")
    session_id = handed["live"]["session_id"]
    assert httpx.post(f"{stack.gateway}/admin/live/sessions/{session_id}/take", headers=agent, timeout=10).is_success
    sent = httpx.post(
        f"{stack.gateway}/admin/live/sessions/{session_id}/entries",
        json={"kind": "item", "id": "ga-idcard-reissue"},
        headers=agent,
        timeout=10,
    )
    assert sent.status_code == 201, sent.text
    events = httpx.get(f"{stack.gateway}/api/chat/{handed['sender_id']}/events", timeout=10).json()["events"]
    shown = events[-1]
    assert shown["author"] == "agent" and shown["sources"][0]["id"] == "ga-idcard-reissue"
    assert shown["messages"][0]["text"] == card["text"]
    assert "所需材料：" in card["text"] and "承诺时限：" in card["text"]  # a whole guide, not a title
    closed = httpx.post(
        f"{stack.gateway}/admin/live/sessions/{session_id}/close",
        json={"outcome": "resolved"},
        headers=agent,
        timeout=10,
    )
    assert closed.status_code == 200, closed.text
