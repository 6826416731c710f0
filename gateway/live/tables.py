"""The live-chat tables, on their own metadata but in the knowledge database (SQLite or PostgreSQL), so that
every gateway replica sees the same queue. `create(engine)` makes them when missing."""

from __future__ import annotations

import sqlalchemy as sa

from knowledge.store import create_tables

metadata = sa.MetaData()

sessions = sa.Table(
    "live_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(8), nullable=False),  # chat | ticket (离线留言)
    # chat: waiting | active | closed | cancelled;  ticket: open | answered
    sa.Column("status", sa.String(12), nullable=False, index=True),
    sa.Column("sender_id", sa.String(160), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False, default=""),
    sa.Column("department", sa.String(64), nullable=False, default=""),
    sa.Column("topic", sa.String(200), nullable=False, default=""),  # masked
    sa.Column("offered", sa.Text, nullable=False, default="[]"),  # JSON: entries the bot offered
    sa.Column("transcript", sa.Text, nullable=False, default="[]"),  # JSON: the bot's turns before, masked
    sa.Column("contact", sa.String(64), nullable=False, default=""),  # ticket: how to reach the citizen
    sa.Column("agent", sa.String(64), nullable=True),
    sa.Column("agent_key", sa.String(32), nullable=True),  # staff token id, "admin" for the bootstrap admin
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    sa.Column("queued_at", sa.DateTime, nullable=False),  # last time it entered the queue
    sa.Column("taken_at", sa.DateTime, nullable=True),
    sa.Column("first_response_at", sa.DateTime, nullable=True),
    sa.Column("closed_at", sa.DateTime, nullable=True),
    sa.Column("heartbeat_at", sa.DateTime, nullable=True),  # the owning agent's console last seen
    sa.Column("last_citizen_at", sa.DateTime, nullable=True),  # WeChat's 48-hour window starts here
    sa.Column("outcome", sa.String(16), nullable=False, default=""),  # resolved | unresolved | citizen_ended
    sa.Column("rating", sa.Integer, nullable=True),  # 好差评 after the session: 5 满意, 3 基本满意, 1 不满意
    sa.Column("requeued", sa.Integer, nullable=False, default=0),
    sa.Column("rasa_paused", sa.Boolean, nullable=False, default=False),
)

messages = sa.Table(
    "live_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),  # the citizens' pull cursor
    sa.Column("session_id", sa.Integer, nullable=False, index=True),
    sa.Column("sender_id", sa.String(160), nullable=False, index=True),
    sa.Column("author", sa.String(8), nullable=False),  # citizen | agent | system
    sa.Column("name", sa.String(64), nullable=False, default=""),  # the agent's name
    sa.Column("text", sa.Text, nullable=False),  # masked when the citizen wrote it
    sa.Column("extra", sa.Text, nullable=False, default="{}"),  # JSON: buttons, source of a sent entry
    sa.Column("delivery", sa.String(200), nullable=False, default=""),  # how it reached the citizen, or why not
    sa.Column("at", sa.DateTime, nullable=False),
)

agents = sa.Table(
    "live_agents",
    metadata,
    sa.Column("agent_key", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("heartbeat_at", sa.DateTime, nullable=False),
)


def create(engine: sa.engine.Engine) -> None:
    create_tables(engine, metadata)
