"""The agents' console (/admin/live) as the live-agent tests on the channels' stack drive it: service hours set
by the stack's admin and put back afterwards, agents made with the admin token, and a console that beats
before every action (as the real one does every few seconds), so no session of a slow step goes back to the
queue for a silent console."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Dict, Iterator, List, Optional

import httpx
import sqlalchemy as sa

from gateway.live.tables import agents, sessions
from tests.conftest import STACK_ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
ALWAYS = {"hours": {"days": [1, 2, 3, 4, 5, 6, 7], "periods": ["00:00-24:00"]}, "departments": {}, "queue_limit": 20}
WEEKDAYS = "一二三四五六日"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@contextlib.contextmanager
def hours_restored(gateway: str) -> Iterator:
    """set(config) for the test; the hours in force before are put back afterwards (the stack is shared)."""
    before = httpx.get(gateway + "/admin/live/hours", headers=ADMIN, timeout=10)
    assert before.status_code == 200, before.text
    saved = before.json()
    saved.pop("source")

    def put(config: Dict) -> None:
        response = httpx.put(gateway + "/admin/live/hours", json=config, headers=ADMIN, timeout=10)
        assert response.status_code == 200, response.text

    try:
        yield put
    finally:
        put(saved)


def closed_today() -> tuple:
    """(hours open on one day that is not today in China, how the citizen is told those hours)."""
    day = (dt.datetime.now(SHANGHAI).isoweekday() + 1) % 7 + 1  # the day after tomorrow
    config = {"hours": {"days": [day], "periods": ["09:00-12:00", "13:30-17:30"]}, "departments": {}, "queue_limit": 20}
    return config, f"周{WEEKDAYS[day - 1]} 09:00-12:00、13:30-17:30"


class Console:
    """One agent's console."""

    def __init__(self, gateway: str, name: str) -> None:
        made = httpx.post(gateway + "/admin/staff", json={"name": name, "role": "agent"}, headers=ADMIN, timeout=10)
        assert made.status_code == 201, made.text
        self.gateway = gateway
        self.name = name
        self.staff_id = made.json()["id"]
        self.headers = {"Authorization": f"Bearer {made.json()['token']}"}
        self.beat()

    def beat(self) -> None:
        response = httpx.post(self.gateway + "/admin/live/heartbeat", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text

    def call(self, method: str, path: str, **kw) -> httpx.Response:
        self.beat()
        return httpx.request(method, self.gateway + "/admin/live" + path, headers=self.headers, timeout=30, **kw)

    def ok(self, method: str, path: str, status: int = 200, **kw) -> Dict:
        response = self.call(method, path, **kw)
        assert response.status_code == status, (path, response.status_code, response.text)
        return response.json()

    def waiting_of(self, sender_id: str) -> Dict:
        """The queue's one waiting session of this citizen, found as the console shows the citizen (masked)."""
        shown = sender_id[:4] + "…" + sender_id[-4:]
        found = [s for s in self.ok("GET", "/queue")["waiting"] if s["citizen"] == shown]
        assert len(found) == 1, found
        return found[0]

    def take(self, session_id: int) -> Dict:
        return self.ok("POST", f"/sessions/{session_id}/take")

    def say(self, session_id: int, text: str) -> Dict:
        return self.ok("POST", f"/sessions/{session_id}/messages", 201, json={"text": text})

    def close(self, session_id: int, outcome: str = "resolved") -> Dict:
        return self.ok("POST", f"/sessions/{session_id}/close", json={"outcome": outcome})

    def detail(self, session_id: int) -> Dict:
        return self.ok("GET", f"/sessions/{session_id}")

    def tickets(self, status: str = "open") -> List[Dict]:
        return self.ok("GET", "/tickets", params={"status": status})["items"]

    def ticket(self, ticket_id: int, status: str = "open") -> Optional[Dict]:
        return next((t for t in self.tickets(status) if t["id"] == ticket_id), None)

    def answer(self, ticket_id: int, text: str) -> httpx.Response:
        return self.call("POST", f"/tickets/{ticket_id}/reply", json={"text": text})

    def leave(self) -> None:
        """Off duty (the next tests on the shared stack must not find an agent online) and the token revoked."""
        httpx.post(self.gateway + "/admin/live/sign-off", headers=self.headers, timeout=10)
        httpx.delete(f"{self.gateway}/admin/staff/{self.staff_id}", headers=ADMIN, timeout=10)


def age_last_citizen_message(database_url: str, session_id: int, hours: int) -> None:
    """The session's citizen last wrote `hours` hours ago (the stack's database, as the gateway reads it)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id)
                .values(last_citizen_at=dt.datetime.utcnow() - dt.timedelta(hours=hours))
            ).rowcount
        assert done == 1
    finally:
        engine.dispose()


def silence_every_console(database_url: str, minutes: int = 60) -> None:
    """Every agent's console last beat `minutes` ago, as if all of them had closed their browsers."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(agents.update().values(heartbeat_at=dt.datetime.utcnow() - dt.timedelta(minutes=minutes)))
    finally:
        engine.dispose()


@contextlib.contextmanager
def agent_token(gateway: str, name: str) -> Iterator[str]:
    """A new agent's token; afterwards off duty (the next tests on the shared stack must find no agent online)
    and revoked."""
    made = httpx.post(gateway + "/admin/staff", json={"name": name, "role": "agent"}, headers=ADMIN, timeout=10)
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    try:
        yield token
    finally:
        httpx.post(gateway + "/admin/live/sign-off", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        httpx.delete(f"{gateway}/admin/staff/{made.json()['id']}", headers=ADMIN, timeout=10)
