"""Storage of knowledge-base entries (SQLAlchemy 1.4: SQLite by default, PostgreSQL by URL).

Each entry is kept whole as JSON beside the columns that are queried (kind, id, status, updated_at).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

entries = sa.Table(
    "kb_entries",
    metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

changes = sa.Table(
    "kb_changes",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("id", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)
"""Change log: one row per changed entry, written in the same transaction as the change. Each node's
search index applies the rows after the last sequence number it applied (see search/), so the index
follows the database without full rebuilds, and catches up after a crash or on a new node."""

meta = sa.Table(
    "kb_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url, future=True, pool_pre_ping=True)


class KnowledgeStore:
    """Entries by (kind, id); published ones are what search and chat may use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        metadata.create_all(self.engine)

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True

    def upsert(self, kind: str, entry: Dict[str, Any], conn: Optional[sa.engine.Connection] = None) -> bool:
        """Insert or replace one entry; returns True when its content changed."""
        data = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=_json_default)
        if conn is None:
            with self.engine.begin() as own:
                return self.upsert(kind, entry, own)
        row = conn.execute(
            sa.select(entries.c.data, entries.c.version).where(
                entries.c.kind == kind, entries.c.id == entry["id"]
            )
        ).first()
        now = dt.datetime.utcnow()
        status = entry.get("status", "published")
        if row is None:
            conn.execute(entries.insert().values(
                kind=kind, id=entry["id"], status=status, version=1, data=data, updated_at=now))
        elif row.data == data:
            return False
        else:
            conn.execute(entries.update().where(entries.c.kind == kind, entries.c.id == entry["id"]).values(
                status=status, version=row.version + 1, data=data, updated_at=now))
        self.record_change(kind, entry["id"], conn)
        return True

    def delete(self, kind: str, entry_id: str, conn: Optional[sa.engine.Connection] = None) -> bool:
        if conn is None:
            with self.engine.begin() as own:
                return self.delete(kind, entry_id, own)
        gone = conn.execute(entries.delete().where(entries.c.kind == kind, entries.c.id == entry_id)).rowcount
        if gone:
            self.record_change(kind, entry_id, conn)
        return bool(gone)

    @staticmethod
    def record_change(kind: str, entry_id: str, conn: sa.engine.Connection) -> None:
        conn.execute(changes.insert().values(kind=kind, id=entry_id, at=dt.datetime.utcnow()))

    def changes_since(self, seq: int, limit: int = 10000) -> list:
        """[(seq, kind, id)] after `seq`, oldest first."""
        query = (sa.select(changes.c.seq, changes.c.kind, changes.c.id).where(changes.c.seq > seq)
                 .order_by(changes.c.seq).limit(limit))
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def latest_change(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(changes.c.seq), 0))).scalar_one())

    def get(self, kind: str, entry_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(entries.c.data).where(
                entries.c.kind == kind, entries.c.id == entry_id)).first()
        return json.loads(row.data) if row else None

    def iter_entries(self, kind: Optional[str] = None, status: Optional[str] = "published") -> Iterator[Dict[str, Any]]:
        """Yields entries as dicts with their `kind` added."""
        query = sa.select(entries.c.kind, entries.c.data).order_by(entries.c.kind, entries.c.id)
        if kind:
            query = query.where(entries.c.kind == kind)
        if status:
            query = query.where(entries.c.status == status)
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                entry = json.loads(row.data)
                entry["kind"] = row.kind
                yield entry

    def count(self, kind: Optional[str] = None) -> int:
        query = sa.select(sa.func.count()).select_from(entries)
        if kind:
            query = query.where(entries.c.kind == kind)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def get_meta(self, key: str) -> Optional[str]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).first()
        return row.value if row else None

    def set_meta(self, key: str, value: str, conn: Optional[sa.engine.Connection] = None) -> None:
        if conn is None:
            with self.engine.begin() as own:
                return self.set_meta(key, value, own)
        updated = conn.execute(meta.update().where(meta.c.key == key).values(value=value)).rowcount
        if not updated:
            conn.execute(meta.insert().values(key=key, value=value))
