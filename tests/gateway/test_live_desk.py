"""The live desk (gateway/live/desk.py) on a SQLite file and on PostgreSQL: agents racing to take one waiting
session (exactly one wins, the others are told who did), the session's states (waiting → active → closed,
cancel, transfer, requeue when the console goes silent, sign-off), the queue's positions and the estimated
wait, tickets answered once, citizens' personal numbers masked, the citizen's pull cursor. And the service
hours (gateway/live/hours.py): open at the boundaries, the wording, per department, the console's override."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import threading
import time
from typing import Dict, List

import pytest

from gateway.live import tables
from gateway.live.desk import DEFAULT_WAIT_SECONDS, Agent, LiveDesk, LiveDeskError
from gateway.live.hours import (
    CHINA,
    OVERRIDE_KEY,
    describe,
    effective_config,
    hours_for,
    is_open,
    live_config,
    local_now,
    zone,
)
from knowledge.schema import LiveChat, ServiceHours
from knowledge.store import KnowledgeStore, make_engine
from privacy import mask_text
from tests.conftest import MINI_PROFILE, write_profile
from tests.knowledge.databases import db_url, postgres_engine, postgres_url, test_postgres_url  # noqa: F401

WANG = Agent("7", "王芳")
LI = Agent("8", "李强")
ID_NUMBER = "110101199003071234"
PHONE = "13812345678"


@pytest.fixture
def desk(db_url):
    made = LiveDesk(make_engine(db_url), agent_timeout_seconds=150)
    yield made
    made.engine.dispose()


def open_chat(desk: LiveDesk, sender: str, department: str = "ga", topic: str = "居民身份证补领", **kw) -> Dict:
    return desk.open_session(sender, "app", department, topic, [], [], **kw)


def set_times(desk: LiveDesk, session_id: int, **values: dt.datetime) -> None:
    with desk.engine.begin() as conn:
        assert conn.execute(
            tables.sessions.update().where(tables.sessions.c.id == session_id).values(**values)
        ).rowcount


# -- agents racing ------------------------------------------------------------------------------------


def race(desk: LiveDesk, session_id: int, agents: List[Agent]) -> Dict[str, object]:
    """Every agent calls take at the same moment (a barrier); what each got: the session or the error."""
    barrier = threading.Barrier(len(agents))
    results: Dict[str, object] = {}

    def run(agent: Agent) -> None:
        barrier.wait()
        try:
            results[agent.key] = desk.take(session_id, agent)
        except LiveDeskError as exc:
            results[agent.key] = exc

    threads = [threading.Thread(target=run, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == len(agents), results
    return results


@pytest.mark.parametrize("count", [2, 8])
def test_of_agents_taking_one_session_at_once_exactly_one_wins(desk, count):
    agents = [Agent(str(100 + i), f"坐席{i}") for i in range(count)]
    for round_ in range(6):  # several rounds: the threads meet in a different order each time
        session = open_chat(desk, f"race-{count}-{round_}")
        results = race(desk, session["id"], agents)
        won = {key: value for key, value in results.items() if isinstance(value, dict)}
        assert len(won) == 1, results
        ((winner_key, taken),) = won.items()
        winner = next(a for a in agents if a.key == winner_key)
        assert (taken["status"], taken["agent"], taken["agent_key"]) == ("active", winner.name, winner.key)
        lost = [value for value in results.values() if isinstance(value, LiveDeskError)]
        assert len(lost) == count - 1
        assert {(e.status, e.message) for e in lost} == {(409, f"该会话已由{winner.name}接入")}
        stored = desk.session(session["id"])
        assert (stored["status"], stored["agent_key"]) == ("active", winner.key)
        assert [s["id"] for s in desk.sessions_of(winner)] == [session["id"]]
        assert all(desk.sessions_of(a) == [] for a in agents if a.key != winner.key)
        desk.close(session["id"], "resolved", winner)


def test_of_agents_answering_one_ticket_at_once_exactly_one_wins(desk):
    ticket = open_chat(desk, "ticket-race", kind="ticket", contact=PHONE, first_message="居住证怎么签注")
    agents = [Agent(str(200 + i), f"坐席{i}") for i in range(6)]
    barrier = threading.Barrier(len(agents))
    results: Dict[str, object] = {}

    def run(agent: Agent) -> None:
        barrier.wait()
        try:
            results[agent.key] = desk.answer_ticket(ticket["id"], agent, f"{agent.name}：请带身份证到派出所")
        except LiveDeskError as exc:
            results[agent.key] = exc

    threads = [threading.Thread(target=run, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    won = [key for key, value in results.items() if isinstance(value, int)]
    assert len(won) == 1, results
    lost = [value for value in results.values() if isinstance(value, LiveDeskError)]
    assert {(e.status, e.message) for e in lost} == {(409, "该留言已被答复或不存在")} and len(lost) == 5
    winner = next(a for a in agents if a.key == won[0])
    said = [(m["author"], m["text"]) for m in desk.messages_of(ticket["id"])]
    assert said == [("citizen", "居住证怎么签注"), ("agent", f"{winner.name}：请带身份证到派出所")]


def test_first_heartbeats_of_one_agent_from_several_consoles_at_once(desk):
    for round_ in range(5):  # each round a new agent: the row is made by whichever beat comes first
        agent = Agent(f"multi-{round_}", f"坐席{round_}")
        barrier = threading.Barrier(6)
        results: List[object] = []

        def beat(agent: Agent = agent, barrier: threading.Barrier = barrier, results: List[object] = results) -> None:
            barrier.wait()
            try:
                results.append(desk.heartbeat(agent))
            except Exception as exc:  # any error is what the test reports
                results.append(exc)

        threads = [threading.Thread(target=beat) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert results == [[]] * 6
        assert desk.agents_online() == round_ + 1


# -- the states of a session ----------------------------------------------------------------------------


def test_cancel_only_while_waiting(desk):
    waiting = open_chat(desk, "cancel-1")
    assert desk.cancel(waiting["id"]) is True
    cancelled = desk.session(waiting["id"])
    assert cancelled["status"] == "cancelled" and cancelled["closed_at"] is not None
    assert desk.cancel(waiting["id"]) is False
    assert desk.open_chat("cancel-1") is None
    assert desk.queue() == []

    taken = open_chat(desk, "cancel-2")
    desk.take(taken["id"], WANG)
    assert desk.cancel(taken["id"]) is False
    assert desk.session(taken["id"])["status"] == "active"
    with pytest.raises(LiveDeskError) as refused:
        desk.take(waiting["id"], LI)
    assert (refused.value.status, refused.value.message) == (409, "该会话已结束或已取消，不能接入")


def test_close_by_its_agent_only_and_once(desk):
    session = open_chat(desk, "close-agent")
    with pytest.raises(LiveDeskError) as not_taken:  # an agent closes only what they took
        desk.close(session["id"], "resolved", WANG)
    assert not_taken.value.status == 409
    desk.take(session["id"], WANG)
    with pytest.raises(LiveDeskError) as other:
        desk.close(session["id"], "resolved", LI)
    assert (other.value.status, other.value.message) == (409, "该会话不在您的接待中，或已经结束")
    closed = desk.close(session["id"], "unresolved", WANG)
    assert (closed["status"], closed["outcome"], closed["agent"]) == ("closed", "unresolved", "王芳")
    assert closed["closed_at"] >= closed["taken_at"]
    with pytest.raises(LiveDeskError):
        desk.close(session["id"], "resolved", WANG)
    assert desk.session(session["id"])["outcome"] == "unresolved"
    assert desk.open_chat("close-agent") is None and desk.sessions_of(WANG) == []


def test_close_by_the_citizen_while_waiting_or_active(desk):
    waiting = open_chat(desk, "close-citizen-1")
    closed = desk.close(waiting["id"], "citizen_ended")
    assert (closed["status"], closed["outcome"], closed["agent"]) == ("closed", "citizen_ended", None)
    active = open_chat(desk, "close-citizen-2")
    desk.take(active["id"], LI)
    closed = desk.close(active["id"], "citizen_ended")
    assert (closed["status"], closed["outcome"], closed["agent"]) == ("closed", "citizen_ended", "李强")
    with pytest.raises(LiveDeskError):  # already closed
        desk.close(active["id"], "citizen_ended")
    cancelled = open_chat(desk, "close-citizen-3")
    desk.cancel(cancelled["id"])
    with pytest.raises(LiveDeskError):
        desk.close(cancelled["id"], "citizen_ended")
    assert desk.session(cancelled["id"])["status"] == "cancelled"


def test_rating_only_after_the_session_and_once(desk):
    session = open_chat(desk, "rate")
    desk.take(session["id"], WANG)
    assert desk.rate(session["id"], 5) is False  # still active
    desk.close(session["id"], "resolved", WANG)
    assert desk.rate(session["id"], 3) is True
    assert desk.rate(session["id"], 1) is False
    assert desk.session(session["id"])["rating"] == 3


def test_transfer_puts_it_in_the_other_departments_queue(desk):
    session = open_chat(desk, "transfer", department="ga")
    taken = desk.take(session["id"], WANG)
    desk.agent_message(session["id"], WANG, "这个问题需要人社厅答复")
    with pytest.raises(LiveDeskError) as not_mine:
        desk.transfer(session["id"], LI, "rs")
    assert not_mine.value.status == 409
    moved = desk.transfer(session["id"], WANG, "rs")
    assert (moved["status"], moved["department"], moved["agent"], moved["agent_key"]) == ("waiting", "rs", None, None)
    assert moved["taken_at"] is None and moved["first_response_at"] is None
    assert moved["queued_at"] >= taken["taken_at"]  # it enters the new queue now, at its end
    assert [s["id"] for s in desk.queue("rs")] == [session["id"]]
    assert desk.queue("ga") == [] and desk.sessions_of(WANG) == []
    again = desk.take(session["id"], LI)
    assert (again["status"], again["agent"], again["department"]) == ("active", "李强", "rs")


def test_a_session_whose_console_went_silent_goes_back_to_the_queue(db_url):
    desk = LiveDesk(make_engine(db_url), agent_timeout_seconds=1.0)
    try:
        earlier = open_chat(desk, "stale-0")
        session = open_chat(desk, "stale-1")
        queued_at = session["queued_at"]
        desk.heartbeat(WANG)
        desk.take(session["id"], WANG)
        assert desk.requeue_stale() == [] and desk.agents_online() == 1
        time.sleep(0.6)
        desk.heartbeat(WANG)  # the console beats: the session stays
        time.sleep(0.6)
        assert desk.requeue_stale() == []
        assert desk.session(session["id"])["status"] == "active"
        time.sleep(1.2)  # no beat for longer than the timeout
        assert desk.agents_online() == 0
        assert desk.requeue_stale() == [session["id"]]
        back = desk.session(session["id"])
        assert (back["status"], back["agent"], back["agent_key"], back["taken_at"]) == ("waiting", None, None, None)
        assert back["requeued"] == 1 and back["queued_at"] == queued_at  # its place, behind the earlier one
        assert [s["id"] for s in desk.queue("ga")] == [earlier["id"], session["id"]]
        assert desk.requeue_stale() == []
        with pytest.raises(LiveDeskError):  # the silent agent no longer owns it
            desk.owned(session["id"], WANG)
    finally:
        desk.engine.dispose()


def test_sign_off_returns_the_agents_sessions_keeping_their_place(desk):
    first, second, third = (open_chat(desk, f"signoff-{i}") for i in range(3))
    other = open_chat(desk, "signoff-other")
    desk.heartbeat(WANG)
    desk.heartbeat(LI)
    assert desk.agents_online() == 2
    desk.take(first["id"], WANG)
    desk.take(third["id"], WANG)
    desk.take(other["id"], LI)
    assert [s["id"] for s in desk.queue()] == [second["id"]]
    assert sorted(desk.sign_off(WANG)) == sorted([first["id"], third["id"]])
    assert desk.agents_online() == 1
    assert [s["id"] for s in desk.queue()] == [first["id"], second["id"], third["id"]]
    for session in (first, third):
        back = desk.session(session["id"])
        assert back["queued_at"] == session["queued_at"] and back["requeued"] == 1
    assert desk.position(desk.session(first["id"])) == 1
    assert desk.position(desk.session(third["id"])) == 3
    assert desk.session(other["id"])["status"] == "active"  # another agent's conversation is untouched
    assert desk.sign_off(WANG) == []


def test_positions_count_per_department_in_order_of_queueing(desk):
    ga = [open_chat(desk, f"pos-ga-{i}", department="ga") for i in range(3)]
    rs = open_chat(desk, "pos-rs", department="rs")
    assert [desk.position(s) for s in ga] == [1, 2, 3]
    assert desk.position(rs) == 1
    assert desk.waiting_count() == 4
    desk.take(ga[0]["id"], WANG)
    assert [desk.position(desk.session(s["id"])) for s in ga[1:]] == [1, 2]
    assert [s["id"] for s in desk.queue("ga")] == [ga[1]["id"], ga[2]["id"]]
    assert desk.waiting_count() == 3


def test_estimated_wait(desk):
    assert desk.estimated_wait_seconds(1) == DEFAULT_WAIT_SECONDS  # nothing taken yet, nobody on duty
    assert desk.estimated_wait_seconds(3) == 3 * DEFAULT_WAIT_SECONDS
    start = dt.datetime.utcnow() - dt.timedelta(hours=1)
    for n, wait in enumerate((60, 120)):
        session = open_chat(desk, f"estimate-{n}")
        desk.take(session["id"], WANG)
        set_times(desk, session["id"], queued_at=start, taken_at=start + dt.timedelta(seconds=wait))
    desk.heartbeat(WANG)
    desk.heartbeat(LI)
    assert desk.estimated_wait_seconds(1) == pytest.approx(45.0)  # mean 90 s, two agents
    assert desk.estimated_wait_seconds(3) == pytest.approx(135.0)
    for n in range(20):  # the estimate reads only the last 20 taken: taken at once, so the floor of 30 s
        session = open_chat(desk, f"estimate-recent-{n}")
        desk.take(session["id"], LI)
    assert desk.estimated_wait_seconds(2) == pytest.approx(30.0)


def test_tickets_are_answered_once(desk):
    ticket = open_chat(desk, "ticket-1", kind="ticket", contact=PHONE, first_message="居住证怎么签注")
    assert (ticket["kind"], ticket["status"], ticket["contact"]) == ("ticket", "open", PHONE)
    assert [t["id"] for t in desk.tickets("open")] == [ticket["id"]]
    assert desk.queue() == [] and desk.open_chat("ticket-1") is None  # a ticket is not a chat in the queue
    message_id = desk.answer_ticket(ticket["id"], WANG, "请带身份证到派出所")
    with pytest.raises(LiveDeskError) as twice:
        desk.answer_ticket(ticket["id"], LI, "我也来答")
    assert (twice.value.status, twice.value.message) == (409, "该留言已被答复或不存在")
    answered = desk.session(ticket["id"])
    assert (answered["status"], answered["agent"], answered["outcome"]) == ("answered", "王芳", "resolved")
    assert desk.tickets("open") == [] and [t["id"] for t in desk.tickets("answered")] == [ticket["id"]]
    assert [(m["id"], m["author"], m["name"]) for m in desk.messages_of(ticket["id"])][1:] == [
        (message_id, "agent", "王芳")
    ]
    with pytest.raises(LiveDeskError) as not_a_chat:
        desk.take(ticket["id"], LI)
    assert not_a_chat.value.status == 409
    chat = open_chat(desk, "ticket-chat")
    with pytest.raises(LiveDeskError):  # a chat session is no ticket
        desk.answer_ticket(chat["id"], WANG, "答复")
    with pytest.raises(LiveDeskError) as missing:
        desk.session(999999)
    assert (missing.value.status, missing.value.message) == (404, "会话 999999 不存在")


def test_what_citizens_write_is_stored_masked(desk):
    session = open_chat(
        desk, "mask", topic=f"身份证{ID_NUMBER}丢了", first_message=f"我的身份证号{ID_NUMBER}，电话{PHONE}"
    )
    desk.citizen_message(session["id"], "mask", f"再说一遍：{ID_NUMBER}")
    desk.take(session["id"], WANG)
    desk.agent_message(session["id"], WANG, "请拨打 0351-1234567 咨询")  # an agent's words are kept as written
    stored = [(m["author"], m["text"]) for m in desk.messages_of(session["id"])]
    assert stored == [
        ("citizen", "我的身份证号110***********1234，电话138****5678"),
        ("citizen", "再说一遍：110***********1234"),
        ("agent", "请拨打 0351-1234567 咨询"),
    ]
    assert stored[0][1] == mask_text(f"我的身份证号{ID_NUMBER}，电话{PHONE}")
    assert desk.session(session["id"])["topic"] == "身份证110***********1234丢了"
    everything = json.dumps([desk.messages_of(session["id"]), desk.session(session["id"])], default=str)
    assert ID_NUMBER not in everything and PHONE not in everything


def test_events_are_what_agents_and_the_desk_said_after_the_cursor(desk):
    session = open_chat(desk, "events", first_message="有人吗")
    other = open_chat(desk, "events-other")
    assert desk.events("events", 0) == []  # the citizen's own message is not sent back
    desk.take(session["id"], WANG)
    desk.take(other["id"], LI)
    taken = desk.system_message(session["id"], "人工客服王芳为您服务")
    desk.system_message(other["id"], "人工客服李强为您服务")
    desk.citizen_message(session["id"], "events", "您好")
    replied = desk.agent_message(session["id"], WANG, "请讲", {"source": {"type": "faq", "id": "faq-ga-001"}})
    found = desk.events("events", 0)
    assert [(e["id"], e["author"], e["name"], e["text"]) for e in found] == [
        (taken, "system", "", "人工客服王芳为您服务"),
        (replied, "agent", "王芳", "请讲"),
    ]
    assert found[1]["extra"] == {"source": {"type": "faq", "id": "faq-ga-001"}}
    assert [e["id"] for e in desk.events("events", taken)] == [replied]
    assert desk.events("events", replied) == []
    assert [e["id"] for e in desk.events("events", 0, limit=1)] == [taken]
    assert desk.last_event_id("events") == replied
    assert [e["text"] for e in desk.events("events-other", 0)] == ["人工客服李强为您服务"]
    assert desk.last_event_id("nobody") == 0


def test_first_response_is_the_agents_first_message(desk):
    session = open_chat(desk, "first-response")
    desk.take(session["id"], WANG)
    with pytest.raises(LiveDeskError):  # only its agent writes in it
        desk.agent_message(session["id"], LI, "我来答")
    assert desk.session(session["id"])["first_response_at"] is None
    desk.agent_message(session["id"], WANG, "您好")
    first = desk.session(session["id"])["first_response_at"]
    time.sleep(0.01)
    desk.agent_message(session["id"], WANG, "还在吗")
    assert first is not None and desk.session(session["id"])["first_response_at"] == first


def test_waiting_sessions_of_citizens_gone_silent_are_closed_as_abandoned(desk):
    gone = open_chat(desk, "abandoned-1")
    here = open_chat(desk, "abandoned-2")
    taken = open_chat(desk, "abandoned-3")
    desk.take(taken["id"], WANG)
    long_ago = dt.datetime.utcnow() - dt.timedelta(minutes=30)
    for session in (gone, taken):
        set_times(desk, session["id"], last_citizen_at=long_ago)
    closed = desk.expire_abandoned(10 * 60)
    assert [(s["id"], s["status"], s["outcome"]) for s in closed] == [(gone["id"], "closed", "abandoned")]
    assert [s["id"] for s in desk.queue()] == [here["id"]]
    assert desk.session(taken["id"])["status"] == "active"  # an agent has it: not abandoned
    assert desk.expire_abandoned(10 * 60) == []


def test_when_every_console_is_silent_the_waiting_chats_become_tickets_with_their_messages(desk):
    waiting = open_chat(desk, "unattended-1")
    desk.citizen_message(waiting["id"], "unattended-1", "我的身份证丢了，怎么补办？")
    taken = open_chat(desk, "unattended-2")
    desk.heartbeat(WANG)
    desk.take(taken["id"], WANG)
    assert desk.unattended_to_tickets() == []  # an agent is on duty: the queue stays
    chat, tickets = desk.open_of("unattended-1")
    assert (chat["id"], chat["status"], tickets) == (waiting["id"], "waiting", 0)

    long_ago = dt.datetime.utcnow() - dt.timedelta(minutes=10)
    with desk.engine.begin() as conn:
        conn.execute(tables.agents.update().values(heartbeat_at=long_ago))
    turned = desk.unattended_to_tickets()
    assert [(t["id"], t["kind"], t["status"]) for t in turned] == [(waiting["id"], "ticket", "open")]
    assert desk.open_of("unattended-1") == (None, 1)  # the bot answers this citizen again
    assert [t["id"] for t in desk.tickets("open")] == [waiting["id"]]
    assert [m["text"] for m in desk.messages_of(waiting["id"])] == ["我的身份证丢了，怎么补办？"]
    assert desk.session(taken["id"])["status"] == "active"  # the requeue of a silent agent's session is apart
    assert desk.unattended_to_tickets() == []

    desk.answer_ticket(waiting["id"], LI, "请带户口簿到派出所办理。")
    assert desk.open_of("unattended-1")[1] == 0


# -- service hours --------------------------------------------------------------------------------------

WORKDAYS = ServiceHours(days=[1, 2, 3, 4, 5], periods=["09:00-12:00", "13:30-17:30"])
MONDAY = dt.datetime(2026, 1, 5)


def at(clock: str, day: dt.datetime = MONDAY) -> dt.datetime:
    hour, minute, *second = (int(x) for x in clock.split(":"))
    return day.replace(hour=hour, minute=minute, second=second[0] if second else 0, tzinfo=CHINA)


def test_is_open_at_the_boundaries_of_the_periods():
    assert MONDAY.isoweekday() == 1
    opened = {c: is_open(WORKDAYS, at(c)) for c in ("08:59:59", "09:00", "11:59:59", "12:00", "13:29", "13:30")}
    opened.update({c: is_open(WORKDAYS, at(c)) for c in ("17:29:59", "17:30", "23:59")})
    assert opened == {
        "08:59:59": False,
        "09:00": True,
        "11:59:59": True,
        "12:00": False,
        "13:29": False,
        "13:30": True,
        "17:29:59": True,
        "17:30": False,
        "23:59": False,
    }
    friday, saturday, sunday = (MONDAY + dt.timedelta(days=n) for n in (4, 5, 6))
    assert is_open(WORKDAYS, at("10:00", friday)) and not is_open(WORKDAYS, at("10:00", saturday))
    always = ServiceHours(days=[1, 2, 3, 4, 5, 6, 7], periods=["00:00-24:00"])
    assert all(is_open(always, at(c, sunday)) for c in ("00:00", "12:00", "23:59:59"))
    assert not is_open(ServiceHours(days=[], periods=["00:00-24:00"]), at("10:00"))
    assert not is_open(ServiceHours(days=[1], periods=[]), at("10:00"))


def test_local_time_of_the_service_hours():
    utc = dt.datetime(2026, 1, 5, 1, 0)  # 09:00 on Monday in China
    assert local_now(zone("Asia/Shanghai"), utc).strftime("%u %H:%M") == "1 09:00"
    assert local_now(zone("No/Such_Zone"), utc).strftime("%u %H:%M") == "1 09:00"  # China's one offset
    assert is_open(WORKDAYS, local_now(zone("Asia/Shanghai"), utc))
    assert not is_open(WORKDAYS, local_now(zone("Asia/Shanghai"), utc - dt.timedelta(seconds=1)))


def test_describe_the_hours_in_chinese():
    assert describe(WORKDAYS) == "周一至周五 09:00-12:00、13:30-17:30"
    assert describe(ServiceHours(days=[7, 1, 2, 3, 4, 5, 6], periods=["00:00-24:00"])) == "周一至周日 00:00-24:00"
    assert describe(ServiceHours(days=[5, 4, 3, 3], periods=["08:30-12:00"])) == "周三至周五 08:30-12:00"
    assert describe(ServiceHours(days=[6, 7], periods=["09:00-12:00"])) == "周六、周日 09:00-12:00"
    assert describe(ServiceHours(days=[1, 3, 5], periods=["09:00-12:00"])) == "周一、周三、周五 09:00-12:00"
    assert describe(ServiceHours(days=[2], periods=["14:00-18:00"])) == "周二 14:00-18:00"
    assert describe(ServiceHours(days=[], periods=["09:00-12:00"])) == "暂未开放"
    assert describe(ServiceHours(days=[1], periods=[])) == "暂未开放"
    assert describe(ServiceHours()) == describe(WORKDAYS)  # the default: working days, office hours


def test_hours_per_department():
    config = LiveChat(
        hours=WORKDAYS, departments={"ga": ServiceHours(days=[1, 2, 3, 4, 5, 6], periods=["08:30-18:00"])}
    )
    saturday = MONDAY + dt.timedelta(days=5)
    assert hours_for(config, "ga").periods == ["08:30-18:00"]
    assert hours_for(config, "rs") == WORKDAYS and hours_for(config, "") == WORKDAYS
    assert is_open(hours_for(config, "ga"), at("08:30", saturday))
    assert not is_open(hours_for(config, "rs"), at("10:00", saturday))
    assert describe(hours_for(config, "ga")) == "周一至周六 08:30-18:00"
    assert live_config({}) == LiveChat()
    assert live_config({"live_chat": {"hours": {"days": [9]}}}) == LiveChat()  # does not validate: defaults


PROFILE_HOURS = """
    live_chat:
      hours: {days: [1, 2, 3, 4, 5], periods: ["09:00-12:00"]}
      departments:
        ga: {days: [1, 2, 3, 4, 5, 6], periods: ["08:30-12:00", "14:00-18:00"]}
      queue_limit: 7
"""


def test_effective_config_is_the_profiles_unless_an_admin_set_hours(tmp_path):
    from knowledge.sync import sync_profile

    profile = textwrap.dedent(MINI_PROFILE["profile.yml"]) + textwrap.dedent(PROFILE_HOURS)
    files = {**MINI_PROFILE, "profile.yml": profile}
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    try:
        sync_profile(write_profile(tmp_path / "profile", files), store)
        from_profile = effective_config(store)
        assert from_profile.queue_limit == 7 and from_profile.hours.periods == ["09:00-12:00"]
        assert describe(hours_for(from_profile, "ga")) == "周一至周六 08:30-12:00、14:00-18:00"
        console = LiveChat(hours=ServiceHours(days=[6, 7], periods=["10:00-16:00"]), queue_limit=3)
        store.set_meta(OVERRIDE_KEY, console.json(ensure_ascii=False))
        overridden = effective_config(store)
        assert overridden == console and overridden.departments == {}
        assert describe(hours_for(overridden, "ga")) == "周六、周日 10:00-16:00"  # per department no longer
        store.set_meta(OVERRIDE_KEY, '{"hours": {"days": [0]}}')  # not valid: the profile's again
        assert effective_config(store) == from_profile
    finally:
        store.engine.dispose()


def test_without_a_profile_the_hours_are_the_defaults(tmp_path):
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    try:
        assert effective_config(store) == LiveChat()
        assert effective_config(store).queue_limit == 20
    finally:
        store.engine.dispose()
