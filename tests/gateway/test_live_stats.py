"""Statistics of 转人工 (gateway/live/stats.py) over known sessions, on SQLite and PostgreSQL; the `live` section
of GET /admin/stats; and the live-chat metrics on /metrics after a whole conversation on the real stack."""

from __future__ import annotations

import datetime as dt
from typing import Dict

import httpx
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from gateway.live import stats, tables
from gateway.live.desk import Agent, LiveDesk
from knowledge.store import make_engine
from tests.admin.conftest import as_role, client, settings, tokens  # noqa: F401
from tests.channels.live_desk import ADMIN, ALWAYS, Console, hours_restored
from tests.knowledge.databases import (  # noqa: F401
    db_url,
    kb,
    make_store,
    open_stores,
    postgres_engine,
    postgres_url,
    test_postgres_url,
)

WANG = Agent("7", "王芳")
LI = Agent("8", "李强")
SECOND = dt.timedelta(seconds=1)
LONG_AGO = (dt.datetime.utcnow() - dt.timedelta(days=40)).replace(hour=8, minute=0, second=0, microsecond=0)


def open_chat(desk: LiveDesk, sender: str) -> Dict:
    return desk.open_session(sender, "app", "ga", "居民身份证补领", [], [])


def set_times(engine, session_id: int, **values) -> None:
    with engine.begin() as conn:
        assert conn.execute(
            tables.sessions.update().where(tables.sessions.c.id == session_id).values(**values)
        ).rowcount


def served(desk: LiveDesk, sender: str, agent: Agent, wait: int, first_response=None, outcome=None, rating=None):
    """A session taken by `agent` after `wait` seconds in the queue, answered `first_response` seconds after it
    was taken (None: never), then closed with `outcome` (None: still active; citizen_ended: by the citizen)."""
    session = open_chat(desk, sender)
    desk.take(session["id"], agent)
    if first_response is not None:
        desk.agent_message(session["id"], agent, "您好")
    if outcome is not None:
        desk.close(session["id"], outcome, None if outcome == "citizen_ended" else agent)
    if rating is not None:
        assert desk.rate(session["id"], rating)
    queued = dt.datetime.utcnow() - dt.timedelta(hours=2)
    taken = queued + wait * SECOND
    times = {"queued_at": queued, "taken_at": taken}
    if first_response is not None:
        times["first_response_at"] = taken + first_response * SECOND
    set_times(desk.engine, session["id"], **times)
    return session


def fixture_sessions(desk: LiveDesk) -> None:
    """Known sessions: the figures every test below expects."""
    served(desk, "s1", WANG, wait=60, first_response=10, outcome="resolved", rating=5)
    served(desk, "s2", WANG, wait=120, first_response=30, outcome="unresolved", rating=3)
    served(desk, "s3", LI, wait=30, first_response=20, outcome="resolved", rating=1)
    served(desk, "s4", LI, wait=300, outcome="citizen_ended", rating=5)  # taken, never answered, the citizen left
    desk.cancel(open_chat(desk, "s5")["id"])
    open_chat(desk, "s6")  # still waiting
    desk.close(open_chat(desk, "s7")["id"], "citizen_ended")  # ended by the citizen while waiting
    served(desk, "s9", WANG, wait=90)  # active, no reply yet
    open_ticket = desk.open_session("t1", "app", "ga", "居住证", [], [], kind="ticket", first_message="居住证怎么签注")
    answered = desk.open_session("t2", "app", "rs", "社保", [], [], kind="ticket", first_message="社保卡丢了")
    desk.answer_ticket(answered["id"], WANG, "请到银行网点挂失")
    assert open_ticket["status"] == "open"
    # before the period: counted nowhere
    old = served(desk, "s8", LI, wait=5000, first_response=5000, outcome="unresolved", rating=1)
    old_ticket = desk.open_session("t3", "app", "ga", "旧留言", [], [], kind="ticket", first_message="旧的留言")
    for session_id in (old["id"], old_ticket["id"]):
        set_times(desk.engine, session_id, created_at=LONG_AGO)


EXPECTED = {
    "sessions": 8,
    "taken": 5,
    "waiting": 1,
    "active": 1,
    "cancelled": 1,
    "outcomes": {"citizen_ended": 2, "resolved": 2, "unresolved": 1},
    "wait_seconds": {"count": 5, "mean": 120.0, "median": 90.0},
    "first_response_seconds": {"count": 3, "mean": 20.0, "median": 20.0},
    "by_agent": [
        {"agent": "王芳", "conversations": 3, "resolved": 1},
        {"agent": "李强", "conversations": 2, "resolved": 1},
    ],
    "closed_by_agent": 3,
    "resolved": 2,
    "resolved_rate": 0.6667,
    "ratings": {"total": 4, "by_rating": {"满意": 2, "基本满意": 1, "不满意": 1}, "mean": 3.5},
    "tickets": {"total": 2, "open": 1, "answered": 1},
}


@pytest.fixture
def desk(db_url):
    made = LiveDesk(make_engine(db_url))
    yield made
    made.engine.dispose()


def test_summary_over_known_sessions(desk):
    fixture_sessions(desk)
    now = dt.datetime.utcnow()
    assert stats.summary(desk.engine, now - dt.timedelta(days=30), now + SECOND) == EXPECTED
    # a period of the old sessions only: from (included) to (excluded)
    old = stats.summary(desk.engine, LONG_AGO, LONG_AGO + SECOND)
    assert (old["sessions"], old["taken"], old["wait_seconds"]["mean"], old["ratings"]["by_rating"]["不满意"]) == (
        1,
        1,
        5000.0,
        1,
    )
    assert old["by_agent"] == [{"agent": "李强", "conversations": 1, "resolved": 0}]
    assert (old["resolved_rate"], old["tickets"]) == (0.0, {"total": 1, "open": 1, "answered": 0})
    assert stats.summary(desk.engine, LONG_AGO - dt.timedelta(days=1), LONG_AGO)["sessions"] == 0


def test_summary_of_a_database_without_live_tables_is_zero_and_creates_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    try:
        now = dt.datetime.utcnow()
        empty = stats.summary(engine, now - dt.timedelta(days=30), now)
        assert empty == {
            "sessions": 0,
            "taken": 0,
            "waiting": 0,
            "active": 0,
            "cancelled": 0,
            "outcomes": {},
            "wait_seconds": {"count": 0, "mean": None, "median": None},
            "first_response_seconds": {"count": 0, "mean": None, "median": None},
            "by_agent": [],
            "closed_by_agent": 0,
            "resolved": 0,
            "resolved_rate": None,
            "ratings": {"total": 0, "by_rating": {"满意": 0, "基本满意": 0, "不满意": 0}, "mean": None},
            "tickets": {"total": 0, "open": 0, "answered": 0},
        }
        assert not sa.inspect(engine).has_table("live_sessions")
    finally:
        engine.dispose()


def test_the_stats_route_has_a_live_section(client, as_role):
    desk = client.app.state.resources.live
    fixture_sessions(desk)
    body = as_role("reviewer").get("/admin/stats").json()
    assert body["live"] == EXPECTED
    day = str(LONG_AGO.date())
    old = as_role("reviewer").get("/admin/stats", params={"since": day, "until": day}).json()
    assert (old["live"]["sessions"], old["live"]["tickets"]["total"]) == (1, 1)
    assert as_role("agent").get("/admin/stats").status_code == 403  # an agent does not read the statistics


# -- /metrics on the real stack ---------------------------------------------------------------------------


def scrape(gateway: str) -> Dict[str, float]:
    """Every sample of the live-chat metrics, by name and labels: 'live_sessions_total{event=opened}'."""
    response = httpx.get(gateway + "/metrics", timeout=10)
    assert response.status_code == 200, response.text
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name.startswith("live_"):
                labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
                found[f"{sample.name}{{{labels}}}"] = sample.value
    return found


def test_metrics_show_a_whole_live_conversation(stack):
    with hours_restored(stack.gateway) as put:
        put(ALWAYS)
        agent = Console(stack.gateway, "孙坐席")
        try:
            before = scrape(stack.gateway)
            assert before["live_agents_online{}"] == 1
            say = stack.conversation("metrics-live-")
            say("身份证丢了怎么补办")
            handed = say("我要转人工")
            session_id = next(m for m in handed["messages"] if m["type"] == "handoff")["live"]["session_id"]
            waiting = scrape(stack.gateway)
            assert waiting["live_queue_waiting{}"] == before["live_queue_waiting{}"] + 1
            agent.take(session_id)
            agent.say(session_id, "您好，请问在哪里丢的？")
            agent.close(session_id, "resolved")
            assert say("满意")["messages"] == [{"type": "text", "text": "感谢您的评价！还有什么可以帮您？"}]
            after = scrape(stack.gateway)
        finally:
            agent.leave()
    change = {k: after[k] - before.get(k, 0.0) for k in after}
    assert {
        k: v
        for k, v in change.items()
        if v and (k.startswith("live_sessions_total") or k.startswith("live_ratings_total") or k.endswith("_count{}"))
    } == {
        "live_sessions_total{event=opened}": 1,
        "live_sessions_total{event=taken}": 1,
        "live_sessions_total{event=closed_resolved}": 1,
        "live_ratings_total{rating=5}": 1,
        "live_wait_seconds_count{}": 1,
        "live_first_response_seconds_count{}": 1,
    }
    assert after["live_queue_waiting{}"] == before["live_queue_waiting{}"]
    assert scrape(stack.gateway)["live_agents_online{}"] == 0  # signed off
    live = httpx.get(stack.gateway + "/admin/stats", headers=ADMIN, timeout=30).json()["live"]
    assert {"agent": "孙坐席", "conversations": 1, "resolved": 1} in live["by_agent"]
