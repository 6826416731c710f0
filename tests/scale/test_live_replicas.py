"""转人工 on two gateway replicas (separate `python -m launcher gateway` processes, each with its Rasa server,
one Redis, one knowledge database: devtools/support/cluster.py): a citizen whose turns alternate between the
replicas is handed to an agent whose console talks to the other replica; both replicas show the same queue;
two agents on different replicas clicking 接入 at the same moment — one gets the session, the other is told
who did; the agent's reply reaches the citizen's pull on either replica; while the agent has the conversation
neither replica's bot answers; after the agent closes it on one replica, the citizen rates the service and
the bot answers again through the other."""

from __future__ import annotations

import threading
import uuid
from typing import Dict, List

import httpx
import pytest

from devtools.support.cluster import SCALE_REDIS_DB, Cluster, flush_redis
from devtools.support.services import rasa_api_params, suite_redis_url
from tests.conftest import STACK_ADMIN_TOKEN, needs

pytestmark = [pytest.mark.stack, pytest.mark.redis, pytest.mark.processes]

ADMIN = {"Authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
ALWAYS = {"hours": {"days": [1, 2, 3, 4, 5, 6, 7], "periods": ["00:00-24:00"]}}
QUESTION = "身份证丢了怎么补办"


@pytest.fixture(scope="module")
@needs("stack", "processes", "redis")
def cluster(tmp_path_factory):
    redis_url = suite_redis_url(SCALE_REDIS_DB)
    flush_redis(redis_url)
    running = Cluster(
        tmp_path_factory.mktemp("live-replicas"),
        workers=2,
        redis_url=redis_url,
        extra_env={"STAFF_ADMIN_TOKEN": STACK_ADMIN_TOKEN},
    ).start()
    try:
        hours = httpx.put(running.gateways[0] + "/admin/live/hours", json=ALWAYS, headers=ADMIN, timeout=10)
        assert hours.status_code == 200, hours.text
        for gateway in running.gateways:  # the console's hours are in the database: every replica has them
            seen = httpx.get(gateway + "/admin/live/hours", headers=ADMIN, timeout=10).json()
            assert (seen["hours"], seen["source"]) == (ALWAYS["hours"], "console"), seen
    except BaseException:
        running.stop()
        raise
    yield running
    codes = running.stop()
    assert all(code in (0, -15) for code in codes.values()), codes


class Console:
    """An agent's console, whose calls go to one replica or the other (`gateway` is an index)."""

    def __init__(self, cluster: Cluster, name: str) -> None:
        made = httpx.post(
            cluster.gateways[0] + "/admin/staff", json={"name": name, "role": "agent"}, headers=ADMIN, timeout=10
        )
        assert made.status_code == 201, made.text
        self.cluster, self.name = cluster, name
        self.headers = {"Authorization": f"Bearer {made.json()['token']}"}

    def call(self, gateway: int, method: str, path: str, beat: bool = True, **kw) -> httpx.Response:
        base = self.cluster.gateways[gateway] + "/admin/live"
        if beat:  # as the real console, which beats every few seconds
            beaten = httpx.post(base + "/heartbeat", headers=self.headers, timeout=10)
            assert beaten.status_code == 200, beaten.text
        return httpx.request(method, base + path, headers=self.headers, timeout=30, **kw)

    def ok(self, gateway: int, method: str, path: str, status: int = 200, **kw) -> Dict:
        response = self.call(gateway, method, path, **kw)
        assert response.status_code == status, (gateway, path, response.status_code, response.text)
        return response.json()

    def queue(self, gateway: int) -> Dict:
        return self.ok(gateway, "GET", "/queue")

    def leave(self) -> None:
        for gateway in range(len(self.cluster.gateways)):
            httpx.post(self.cluster.gateways[gateway] + "/admin/live/sign-off", headers=self.headers, timeout=10)


@pytest.fixture
def agents(cluster):
    made = [Console(cluster, "王芳"), Console(cluster, "李强")]
    for n, console in enumerate(made):  # on duty: 转人工 opens a session only when someone is
        console.call(n, "POST", "/heartbeat", beat=False)
    yield made
    for console in made:
        console.leave()


class Citizen:
    """One citizen of the web page: each turn goes to the replica asked for; pulls from either."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.sender = "replica-" + uuid.uuid4().hex[:10]

    def say(self, gateway: int, text: str) -> Dict:
        response = httpx.post(
            self.cluster.gateways[gateway] + "/api/chat", json={"sender_id": self.sender, "text": text}, timeout=120
        )
        assert response.status_code == 200, (gateway, response.text)
        return response.json()

    def pull(self, gateway: int, after: int = 0) -> Dict:
        response = httpx.get(
            f"{self.cluster.gateways[gateway]}/api/chat/{self.sender}/events", params={"after": after}, timeout=30
        )
        assert response.status_code == 200, (gateway, response.text)
        return response.json()

    def bot_events(self, rasa: int) -> List[Dict]:
        response = httpx.get(
            f"{self.cluster.rasa[rasa]}/conversations/{self.sender}/tracker", params=rasa_api_params(), timeout=30
        )
        assert response.status_code == 200, response.text
        return [e for e in response.json()["events"] if e["event"] in ("user", "bot")]

    def hand_over(self, gateway: int) -> int:
        """Asks a question on `gateway`, then for a person on the other: the new waiting session's id."""
        asked = self.say(gateway, QUESTION)
        assert asked["intent"]["name"] != "live_chat" and asked["messages"], asked
        handed = self.say(1 - gateway, "我要转人工")
        handoff = next(m for m in handed["messages"] if m["type"] == "handoff")
        assert handoff["live"]["status"] == "waiting", handoff
        return handoff["live"]["session_id"]


def race(agents: List[Console], gateways: List[int], session_id: int) -> List[httpx.Response]:
    """Each agent clicks 接入 on its replica at the same moment."""
    barrier = threading.Barrier(len(agents))
    results: List = [None] * len(agents)
    for agent, gateway in zip(agents, gateways, strict=True):
        agent.call(gateway, "POST", "/heartbeat", beat=False)

    def click(n: int) -> None:
        barrier.wait()
        results[n] = agents[n].call(gateways[n], "POST", f"/sessions/{session_id}/take", beat=False)

    threads = [threading.Thread(target=click, args=(n,)) for n in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(r is not None for r in results), results
    return results


def one_winner(agents: List[Console], results: List[httpx.Response]) -> Console:
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [(r.status_code, r.text) for r in results]
    won = next(n for n, r in enumerate(results) if r.status_code == 200)
    winner = agents[won]
    assert (results[won].json()["status"], results[won].json()["agent"]) == ("active", winner.name)
    assert results[1 - won].json() == {"detail": f"该会话已由{winner.name}接入"}
    return winner


def test_two_agents_on_different_replicas_racing_for_sessions_one_wins_each(cluster, agents):
    for round_ in range(4):
        citizen = Citizen(cluster)
        session_id = citizen.hand_over(round_ % 2)
        winner = one_winner(agents, race(agents, [0, 1], session_id))
        loser = next(a for a in agents if a is not winner)
        for gateway in (0, 1):  # the same on both replicas: the winner has it, nobody else, not queued
            assert session_id in [s["id"] for s in winner.queue(gateway)["mine"]]
            queue = loser.queue(gateway)
            assert session_id not in [s["id"] for s in queue["mine"] + queue["waiting"]]
        again = loser.call(1 - round_ % 2, "POST", f"/sessions/{session_id}/take")
        assert (again.status_code, again.json()) == (409, {"detail": f"该会话已由{winner.name}接入"})
        winner.ok(round_ % 2, "POST", f"/sessions/{session_id}/close", json={"outcome": "resolved"})


def test_a_live_conversation_across_two_replicas(cluster, agents):
    citizen = Citizen(cluster)
    first, second = agents
    session_id = citizen.hand_over(0)  # the question on replica 0, 转人工 on replica 1 ...
    waiting = citizen.say(0, "我的身份证在外地丢了")  # ... the next turn on replica 0, which knows the session
    assert (waiting["intent"]["name"], waiting["live"]["session_id"]) == ("live_chat", session_id)
    assert waiting["messages"][0]["text"].startswith("已收到，人工客服接入后会看到这条消息。")

    queues = [agent.queue(gateway) for agent in agents for gateway in (1, 0)]  # one queue, whichever replica
    for queue in queues:
        shown = [s for s in queue["waiting"] if s["id"] == session_id]
        assert len(shown) == 1 and shown[0]["department"] == "ga" and shown[0]["topic"] == "居民身份证补领", queue
        assert queue["agents_online"] == 2
    assert len({tuple(s["id"] for s in queue["waiting"]) for queue in queues}) == 1, queues

    winner = one_winner(agents, race(agents, [1, 0], session_id))
    console_on = 1 if winner is first else 0
    for gateway in (0, 1):
        assert session_id not in [s["id"] for s in winner.queue(gateway)["waiting"]]
    detail = winner.ok(1 - console_on, "GET", f"/sessions/{session_id}")
    assert [m["text"] for m in detail["messages"] if m["author"] == "citizen"] == ["我的身份证在外地丢了"]
    assert detail["transcript"][0]["question"] == QUESTION

    # while the agent has the conversation, neither replica's bot answers
    bot_before = [e for e in citizen.bot_events(0) if e["event"] == "bot"]
    for turn, gateway in enumerate((0, 1, 0, 1)):
        said = citizen.say(gateway, f"在太原能补办吗（{turn}）")
        assert said["messages"] == [] and said["live"] == {
            "session_id": session_id,
            "status": "active",
            "agent": winner.name,
        }, said
    for rasa in (0, 1):  # one tracker in Redis: both Rasa servers logged the turns and said nothing
        events = citizen.bot_events(rasa)
        assert [e for e in events if e["event"] == "bot"] == bot_before
        assert [e["text"] for e in events if e["event"] == "user"][-4:] == [f"在太原能补办吗（{n}）" for n in range(4)]
    detail = winner.ok(console_on, "GET", f"/sessions/{session_id}")
    assert [m["text"] for m in detail["messages"] if m["author"] == "citizen"][-4:] == [
        f"在太原能补办吗（{n}）" for n in range(4)
    ]

    # the agent's reply, sent on one replica, reaches the citizen's pull on either
    reply = "您好，居民身份证补领已实现跨省通办，在太原市政务服务中心二楼公安窗口即可办理。"
    sent = winner.ok(1 - console_on, "POST", f"/sessions/{session_id}/messages", 201, json={"text": reply})
    assert sent["delivery"] == "pull"
    for gateway in (0, 1):
        pulled = citizen.pull(gateway)
        texts = [(e["author"], e["messages"][0]["text"]) for e in pulled["events"]]
        assert texts == [("system", f"人工客服{winner.name}为您服务，请问有什么可以帮您？"), ("agent", reply)], pulled
        assert pulled["next"] == sent["id"] and pulled["live"]["status"] == "active"
        assert citizen.pull(gateway, after=pulled["next"])["events"] == []

    # closed on one replica: the citizen rates and the bot answers again through the other
    closed = winner.ok(console_on, "POST", f"/sessions/{session_id}/close", json={"outcome": "resolved"})
    assert closed["status"] == "closed"
    last = citizen.pull(1 - console_on, after=sent["id"])
    assert [e["messages"][0]["type"] for e in last["events"]] == ["buttons"] and last["live"] is None
    rated = citizen.say(1 - console_on, "满意")
    assert rated["messages"] == [{"type": "text", "text": "感谢您的评价！还有什么可以帮您？"}]
    assert winner.ok(console_on, "GET", f"/sessions/{session_id}")["rating"] == 5
    for gateway, question in ((1 - console_on, QUESTION), (console_on, "社保卡怎么办理")):
        answered = citizen.say(gateway, question)
        assert answered["intent"]["name"] != "live_chat" and answered.get("live") is None, answered
        assert answered["messages"] == Citizen(cluster).say(gateway, question)["messages"]  # as to anyone
    bot_after = [e for e in citizen.bot_events(0) if e["event"] == "bot"]
    assert len(bot_after) >= len(bot_before) + 2
