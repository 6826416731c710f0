"""The queue and the live sessions, in the database every gateway replica shares.

A chat session: waiting (in its department's queue) → active (an agent took it) → closed; a waiting one
may be cancelled by the citizen; an active one whose agent's console stopped beating goes back to waiting.
A ticket (离线留言): open → answered. Taking is one conditional UPDATE, so of two agents clicking at once
exactly one wins, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from gateway.live import tables
from gateway.live.tables import agents, messages, sessions
from knowledge.store import write_transaction
from privacy import mask_text

OPEN_CHAT = ("waiting", "active")
DEFAULT_WAIT_SECONDS = 120.0  # the estimate before any session has been taken
RECENT_FOR_ESTIMATE = 20


@dataclass(frozen=True)
class Agent:
    key: str  # staff token id, or "admin" for the bootstrap admin
    name: str


class LiveDeskError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


def _row(row) -> Dict[str, Any]:
    data = dict(row._mapping)
    for key in ("offered", "transcript"):
        if key in data:
            data[key] = json.loads(data[key] or "[]")
    return data


def _message(row) -> Dict[str, Any]:
    return {**dict(row._mapping), "extra": json.loads(row.extra or "{}")}


class LiveDesk:
    def __init__(self, engine: sa.engine.Engine, agent_timeout_seconds: float = 150.0) -> None:
        self.engine = engine
        self.agent_timeout = dt.timedelta(seconds=agent_timeout_seconds)
        tables.create(engine)

    # -- the citizen's side -------------------------------------------------------------------------

    def open_session(
        self,
        sender_id: str,
        channel: str,
        department: str,
        topic: str,
        offered: List[Dict],
        transcript: List[Dict],
        kind: str = "chat",
        contact: str = "",
        first_message: str = "",
    ) -> Dict[str, Any]:
        now = _now()
        values = dict(
            kind=kind,
            status="waiting" if kind == "chat" else "open",
            sender_id=sender_id,
            channel=channel,
            department=department,
            topic=mask_text(topic)[:200],
            offered=json.dumps(offered, ensure_ascii=False),
            transcript=json.dumps(transcript, ensure_ascii=False),
            contact=contact[:64],
            created_at=now,
            queued_at=now,
            last_citizen_at=now,
            outcome="",
            requeued=0,
            rasa_paused=False,
        )
        with write_transaction(self.engine) as conn:
            session_id = conn.execute(sessions.insert().values(**values)).inserted_primary_key[0]
            if first_message:
                self._add_message(conn, session_id, sender_id, "citizen", first_message)
        return self.session(session_id)

    def open_chat(self, sender_id: str) -> Optional[Dict[str, Any]]:
        """The sender's waiting or active session, if any."""
        return self.open_of(sender_id)[0]

    def open_of(self, sender_id: str) -> Tuple[Optional[Dict[str, Any]], int]:
        """The sender's waiting or active session (or None) and how many of their 离线留言 wait for an answer,
        in one query (the citizen's pull asks both every few seconds)."""
        open_chat = sa.and_(sessions.c.kind == "chat", sessions.c.status.in_(OPEN_CHAT))
        open_ticket = sa.and_(sessions.c.kind == "ticket", sessions.c.status == "open")
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(sessions)
                .where(sessions.c.sender_id == sender_id, sa.or_(open_chat, open_ticket))
                .order_by(sessions.c.id.desc())
            ).all()
        chat = next((r for r in rows if r.kind == "chat"), None)
        return (_row(chat) if chat else None), sum(r.kind == "ticket" for r in rows)

    def citizen_message(self, session_id: int, sender_id: str, text: str) -> int:
        with write_transaction(self.engine) as conn:
            conn.execute(sessions.update().where(sessions.c.id == session_id).values(last_citizen_at=_now()))
            return self._add_message(conn, session_id, sender_id, "citizen", text)

    def cancel(self, session_id: int) -> bool:
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.status == "waiting")
                .values(status="cancelled", closed_at=_now())
            ).rowcount
        return bool(done)

    def mark_paused(self, session_id: int, paused: bool) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(sessions.update().where(sessions.c.id == session_id).values(rasa_paused=paused))

    def rate(self, session_id: int, rating: int) -> bool:
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.status == "closed", sessions.c.rating.is_(None))
                .values(rating=rating)
            ).rowcount
        return bool(done)

    def events(self, sender_id: str, after: int, limit: int = 100) -> List[Dict[str, Any]]:
        """What agents and the desk said to the sender after message id `after` (the citizen's pull)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(messages)
                .where(messages.c.sender_id == sender_id, messages.c.id > after, messages.c.author != "citizen")
                .order_by(messages.c.id)
                .limit(limit)
            ).all()
        return [_message(r) for r in rows]

    def last_event_id(self, sender_id: str) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(sa.func.max(messages.c.id)).where(messages.c.sender_id == sender_id)
            ).scalar()
        return int(value or 0)

    # -- the queue ------------------------------------------------------------------------------------

    def queue(self, department: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(sessions).where(sessions.c.kind == "chat", sessions.c.status == "waiting")
        if department:
            query = query.where(sessions.c.department == department)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(sessions.c.queued_at, sessions.c.id)).all()
        return [_row(r) for r in rows]

    def position(self, session: Dict[str, Any]) -> int:
        """1 for the first in its department's queue."""
        with self.engine.connect() as conn:
            ahead = conn.execute(
                sa.select(sa.func.count()).where(
                    sessions.c.kind == "chat",
                    sessions.c.status == "waiting",
                    sessions.c.department == session["department"],
                    sessions.c.queued_at < session["queued_at"],
                )
            ).scalar()
        return int(ahead or 0) + 1

    def waiting_count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).where(sessions.c.kind == "chat", sessions.c.status == "waiting")
                ).scalar()
                or 0
            )

    def estimated_wait_seconds(self, position: int) -> float:
        """The mean wait of the last sessions taken, times the place in the queue, shared by the agents on duty."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(sessions.c.queued_at, sessions.c.taken_at)
                .where(sessions.c.kind == "chat", sessions.c.taken_at.is_not(None))
                .order_by(sessions.c.taken_at.desc())
                .limit(RECENT_FOR_ESTIMATE)
            ).all()
        waits = [max(0.0, (r.taken_at - r.queued_at).total_seconds()) for r in rows]
        mean = sum(waits) / len(waits) if waits else DEFAULT_WAIT_SECONDS
        return max(mean, 30.0) * position / max(1, self.agents_online())

    # -- agents ---------------------------------------------------------------------------------------

    def heartbeat(self, agent: Agent) -> List[Dict[str, Any]]:
        """The agent's console is open: it counts as on duty, and keeps its sessions. Returns its sessions."""
        now = _now()
        try:
            with write_transaction(self.engine) as conn:
                if not conn.execute(
                    agents.update().where(agents.c.agent_key == agent.key).values(name=agent.name, heartbeat_at=now)
                ).rowcount:
                    conn.execute(agents.insert().values(agent_key=agent.key, name=agent.name, heartbeat_at=now))
                conn.execute(
                    sessions.update()
                    .where(sessions.c.agent_key == agent.key, sessions.c.status == "active")
                    .values(heartbeat_at=now)
                )
        except sa.exc.IntegrityError:  # PostgreSQL: another console of the agent inserted the row meanwhile
            return self.heartbeat(agent)
        return self.sessions_of(agent)

    def agents_online(self) -> int:
        cutoff = _now() - self.agent_timeout
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(agents.c.heartbeat_at >= cutoff)).scalar() or 0)

    def sign_off(self, agent: Agent) -> List[int]:
        """The agent leaves: off duty at once, and its conversations go back to the queue."""
        with write_transaction(self.engine) as conn:
            conn.execute(agents.delete().where(agents.c.agent_key == agent.key))
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(sessions.c.id).where(sessions.c.agent_key == agent.key, sessions.c.status == "active")
                ).all()
            ]
        return [i for i in ids if self._requeue(i)]

    def requeue_stale(self) -> List[int]:
        """Sessions whose agent's console has not beaten within the timeout (browser closed, network lost)
        go back to the front of their queue. Returns their ids."""
        cutoff = _now() - self.agent_timeout
        with self.engine.connect() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(sessions.c.id).where(sessions.c.status == "active", sessions.c.heartbeat_at < cutoff)
                ).all()
            ]
        return [i for i in ids if self._requeue(i, cutoff)]

    def expire_abandoned(self, silent_seconds: float) -> List[Dict[str, Any]]:
        """Waiting sessions whose citizen has said nothing for `silent_seconds` are closed as "abandoned"
        (the citizen left; when they come back, the bot answers them). Returns those sessions."""
        cutoff = _now() - dt.timedelta(seconds=silent_seconds)
        with self.engine.connect() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(sessions.c.id).where(
                        sessions.c.kind == "chat", sessions.c.status == "waiting", sessions.c.last_citizen_at < cutoff
                    )
                ).all()
            ]
        closed = []
        for session_id in ids:
            with write_transaction(self.engine) as conn:
                done = conn.execute(
                    sessions.update()
                    .where(
                        sessions.c.id == session_id, sessions.c.status == "waiting", sessions.c.last_citizen_at < cutoff
                    )
                    .values(status="closed", outcome="abandoned", closed_at=_now())
                ).rowcount
            if done:
                closed.append(self.session(session_id))
        return closed

    def unattended_to_tickets(self) -> List[Dict[str, Any]]:
        """When no agent's console has beaten within the timeout (everybody left), the waiting chats become
        离线留言 tickets, with what the citizen wrote while waiting: nothing is lost, an agent answers later.
        Returns those tickets. A console that beats again in between keeps the queue as it is."""
        if self.agents_online():  # the usual case, on every queue read: no write at all
            return []
        cutoff = _now() - self.agent_timeout
        with self.engine.connect() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(sessions.c.id).where(sessions.c.kind == "chat", sessions.c.status == "waiting")
                ).all()
            ]
        turned = []
        for session_id in ids:
            with write_transaction(self.engine) as conn:
                online = sa.exists().where(agents.c.heartbeat_at >= cutoff)
                done = conn.execute(
                    sessions.update()
                    .where(sessions.c.id == session_id, sessions.c.status == "waiting", ~online)
                    .values(kind="ticket", status="open")
                ).rowcount
            if done:
                turned.append(self.session(session_id))
        return turned

    def _requeue(self, session_id: int, stale_before: Optional[dt.datetime] = None) -> bool:
        condition = [sessions.c.id == session_id, sessions.c.status == "active"]
        if stale_before is not None:
            condition.append(sessions.c.heartbeat_at < stale_before)
        with write_transaction(self.engine) as conn:
            row = conn.execute(sa.select(sessions.c.queued_at).where(sessions.c.id == session_id)).first()
            done = conn.execute(
                sessions.update()
                .where(*condition)
                .values(
                    status="waiting",
                    agent=None,
                    agent_key=None,
                    taken_at=None,
                    first_response_at=None,
                    heartbeat_at=None,
                    queued_at=row.queued_at if row else _now(),
                    requeued=sessions.c.requeued + 1,
                )
            ).rowcount
        return bool(done)

    def sessions_of(self, agent: Agent) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(sessions)
                .where(sessions.c.agent_key == agent.key, sessions.c.status == "active")
                .order_by(sessions.c.taken_at)
            ).all()
        return [_row(r) for r in rows]

    def take(self, session_id: int, agent: Agent) -> Dict[str, Any]:
        """The agent takes a waiting session; 409 when another agent was first."""
        now = _now()
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.kind == "chat", sessions.c.status == "waiting")
                .values(status="active", agent=agent.name, agent_key=agent.key, taken_at=now, heartbeat_at=now)
            ).rowcount
        if not done:
            current = self.session(session_id)
            if current["status"] == "active":
                raise LiveDeskError(409, f"该会话已由{current['agent']}接入")
            raise LiveDeskError(409, "该会话已结束或已取消，不能接入")
        return self.session(session_id)

    def owned(self, session_id: int, agent: Agent) -> Dict[str, Any]:
        session = self.session(session_id)
        if session["kind"] != "chat" or session["status"] != "active" or session["agent_key"] != agent.key:
            raise LiveDeskError(409, "该会话不在您的接待中（可能已结束、已转出或因长时间未响应回到了排队）")
        return session

    def agent_message(self, session_id: int, agent: Agent, text: str, extra: Optional[Dict] = None) -> int:
        session = self.owned(session_id, agent)
        with write_transaction(self.engine) as conn:
            conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.first_response_at.is_(None))
                .values(first_response_at=_now())
            )
            return self._add_message(conn, session_id, session["sender_id"], "agent", text, agent.name, extra)

    def system_message(self, session_id: int, text: str, extra: Optional[Dict] = None) -> int:
        session = self.session(session_id)
        with write_transaction(self.engine) as conn:
            return self._add_message(conn, session_id, session["sender_id"], "system", text, "", extra)

    def transfer(self, session_id: int, agent: Agent, department: str) -> Dict[str, Any]:
        self.owned(session_id, agent)
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.status == "active", sessions.c.agent_key == agent.key)
                .values(
                    status="waiting",
                    department=department,
                    agent=None,
                    agent_key=None,
                    taken_at=None,
                    first_response_at=None,
                    heartbeat_at=None,
                    queued_at=_now(),
                )
            ).rowcount
        if not done:
            raise LiveDeskError(409, "该会话不在您的接待中")
        return self.session(session_id)

    def close(self, session_id: int, outcome: str, agent: Optional[Agent] = None) -> Dict[str, Any]:
        """Closed by its agent (`agent`) or by the citizen (agent None: from waiting or active)."""
        condition = [sessions.c.id == session_id, sessions.c.kind == "chat"]
        if agent:
            condition += [sessions.c.agent_key == agent.key, sessions.c.status == "active"]
        else:
            condition.append(sessions.c.status.in_(OPEN_CHAT))
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sessions.update().where(*condition).values(status="closed", outcome=outcome, closed_at=_now())
            ).rowcount
        if not done:
            raise LiveDeskError(409, "该会话不在您的接待中，或已经结束")
        return self.session(session_id)

    # -- tickets (离线留言) -----------------------------------------------------------------------------

    def tickets(self, status: Optional[str] = None) -> List[Dict[str, Any]]:
        query = sa.select(sessions).where(sessions.c.kind == "ticket")
        if status:
            query = query.where(sessions.c.status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(sessions.c.created_at.desc()).limit(200)).all()
        return [_row(r) for r in rows]

    def answer_ticket(self, ticket_id: int, agent: Agent, text: str) -> int:
        """The reply to a ticket; 409 when another agent answered it first."""
        now = _now()
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sessions.update()
                .where(sessions.c.id == ticket_id, sessions.c.kind == "ticket", sessions.c.status == "open")
                .values(
                    status="answered",
                    agent=agent.name,
                    agent_key=agent.key,
                    taken_at=now,
                    first_response_at=now,
                    closed_at=now,
                    outcome="resolved",
                )
            ).rowcount
            if not done:
                raise LiveDeskError(409, "该留言已被答复或不存在")
            sender = conn.execute(sa.select(sessions.c.sender_id).where(sessions.c.id == ticket_id)).scalar()
            return self._add_message(conn, ticket_id, sender, "agent", text, agent.name)

    # -- reading --------------------------------------------------------------------------------------

    def session(self, session_id: int) -> Dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions).where(sessions.c.id == session_id)).first()
        if row is None:
            raise LiveDeskError(404, f"会话 {session_id} 不存在")
        return _row(row)

    def messages_of(self, session_id: int) -> List[Dict[str, Any]]:
        return self.messages_of_many([session_id]).get(session_id, [])

    def messages_of_many(self, session_ids: List[int]) -> Dict[int, List[Dict[str, Any]]]:
        """Each session's messages in order, in one query (the console lists up to 200 tickets)."""
        found: Dict[int, List[Dict[str, Any]]] = {}
        if not session_ids:
            return found
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(messages).where(messages.c.session_id.in_(session_ids)).order_by(messages.c.id)
            ).all()
        for row in rows:
            found.setdefault(row.session_id, []).append(_message(row))
        return found

    def set_delivery(self, message_id: int, delivery: str) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(messages.update().where(messages.c.id == message_id).values(delivery=delivery[:200]))

    @staticmethod
    def _add_message(
        conn, session_id: int, sender_id: str, author: str, text: str, name: str = "", extra: Optional[Dict] = None
    ) -> int:
        return conn.execute(
            messages.insert().values(
                session_id=session_id,
                sender_id=sender_id,
                author=author,
                name=name,
                text=mask_text(text) if author == "citizen" else text,
                extra=json.dumps(extra or {}, ensure_ascii=False),
                delivery="",
                at=_now(),
            )
        ).inserted_primary_key[0]
