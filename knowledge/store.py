"""Storage of knowledge-base entries (SQLAlchemy 1.4: SQLite by default, PostgreSQL by URL).

Each entry is kept whole as JSON beside the columns that are queried (kind, id, status, updated_at).
Every change to an entry, in the same transaction:
  - bumps its `version` and keeps the published content in `kb_versions` (history, diff, rollback);
  - appends a row to the change log `kb_changes`, which each node's search index follows.
Writers are serialised (`transaction()`): on PostgreSQL by a transaction-level advisory lock, on SQLite by
`BEGIN IMMEDIATE`. So change-log sequence numbers become visible in commit order, and a reader that applies
"everything after seq N" never skips a change committed late with a smaller number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from knowledge.tables import changes, entries, meta, metadata, versions

__all__ = [
    "KnowledgeStore",
    "make_engine",
    "create_tables",
    "write_transaction",
    "entries",
    "changes",
    "meta",
    "metadata",
    "versions",
]

WRITER_LOCK_KEY = 7_310_426_001  # PostgreSQL advisory lock shared by every knowledge-base writer
SCHEMA_LOCK_KEY = 7_310_426_002  # PostgreSQL advisory lock held while a process creates missing tables
SYNONYM_KIND = "synonym"
CHUNK = 500


def _json_default(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(entry: Dict[str, Any]) -> str:
    """The stored form of an entry: sorted keys, so equal content gives equal text."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, default=_json_default)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        # A pool of open connections (SQLAlchemy 1.4 would open a new one per use for a file database:
        # about a millisecond each, which adds up when the index sync reads thousands of entries).
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = sa.create_engine(
            url,
            future=True,
            connect_args={"timeout": 30, "check_same_thread": False},
            **({} if memory else {"poolclass": sa.pool.QueuePool, "pool_size": 5, "max_overflow": 20}),
        )
        _sqlite_transactions(engine)
        return engine
    return sa.create_engine(url, future=True, pool_pre_ping=True)


WAL_SWITCH_SECONDS = 30.0  # as long as the busy timeout


def _use_wal(cursor) -> None:
    """Puts the database file in WAL mode (it stays so). Switching ignores the busy timeout: while another
    process starting on a new file holds a lock, it fails at once ("database is locked"), so it is retried."""
    deadline = time.monotonic() + WAL_SWITCH_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_transactions(engine: Engine) -> None:
    """Real transactions on SQLite: pysqlite otherwise begins only at the first write, so a read-then-write
    is not atomic. Write transactions take the write lock up front (BEGIN IMMEDIATE); WAL lets readers
    (search sync, chat) go on while a writer works."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # pragma: no cover - exercised by every SQLite test
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            _use_wal(cursor)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("kb_write") else "BEGIN")


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that reads and then writes. On SQLite a plain transaction that has read must later become a
    writer, which fails at once ("database is locked") when another process wrote in between; this one takes
    the write lock at BEGIN (BEGIN IMMEDIATE) and so waits its turn. On PostgreSQL it is a plain transaction."""
    with engine.connect() as conn:
        conn.execution_options(kb_write=True)
        with conn.begin():
            yield conn


def _advisory_lock(conn: Connection, key: int) -> None:
    """On PostgreSQL, waits for and holds the advisory lock `key` until the transaction ends (SQLite's write
    transactions are already serialised)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def create_tables(engine: Engine, tables: sa.MetaData) -> None:
    """Creates the missing tables of `tables` in one write transaction: processes starting together on a new
    database each wait their turn, and the later ones find the tables made. On PostgreSQL two processes creating
    the same table at once would both pass the existence check and one would fail on the catalogue's unique
    index, so the transaction first takes an advisory lock."""
    with write_transaction(engine) as conn:
        _advisory_lock(conn, SCHEMA_LOCK_KEY)
        tables.create_all(conn)


class KnowledgeStore:
    """Entries by (kind, id); published ones are what search and chat may use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._recent_reads: Dict[str, Tuple[float, Any]] = {}  # what `_reused` keeps: key → (monotonic time, value)
        self._profile_written = False  # set_meta("profile") inside a transaction not yet ended
        create_tables(self.engine, metadata)

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True

    # -- transactions -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, entries_lock: bool = True) -> Iterator[Connection]:
        """A write transaction. With `entries_lock` (for anything that changes entries and the change log)
        it holds the writers' lock until it commits or rolls back; without, it only writes other tables
        (feedback, audit, tokens). On SQLite both take the write lock at BEGIN, so a read-then-write
        transaction waits its turn instead of failing with "database is locked"."""
        try:
            with write_transaction(self.engine) as conn:
                if entries_lock:
                    self.lock_writers(conn)
                yield conn
        finally:
            if entries_lock or self._profile_written:  # what this process changes, it reads at once
                self._recent_reads.clear()
                self._profile_written = False

    def _reused(self, key: str, max_age: float, read):
        """`read()`, or its value read less than `max_age` seconds ago (0: always read). For the hot readers of
        the action server, which ask the same small thing many times a turn; another process's write is seen
        within `max_age`, this process's own change of entries or of the profile at once (`transaction`
        forgets what was kept; the question log and other bookkeeping writes do not)."""
        now = time.monotonic()
        last = self._recent_reads.get(key)
        if max_age > 0 and last is not None and now - last[0] < max_age:
            return last[1]
        value = read()
        self._recent_reads[key] = (now, value)
        return value

    @staticmethod
    def lock_writers(conn: Connection) -> None:
        _advisory_lock(conn, WRITER_LOCK_KEY)

    # -- writes -------------------------------------------------------------------------------------

    def upsert(
        self,
        kind: str,
        entry: Dict[str, Any],
        conn: Optional[Connection] = None,
        actor: str = "system",
        source: str = "system",
    ) -> bool:
        """Insert or replace one entry; returns True when its content changed."""
        if conn is None:
            with self.transaction() as own:
                return self.upsert(kind, entry, own, actor, source)
        return self.bulk_upsert(kind, [entry], conn, actor, source)["unchanged"] == 0

    def bulk_upsert(
        self, kind: str, batch: List[Dict[str, Any]], conn: Connection, actor: str = "system", source: str = "system"
    ) -> Dict[str, Any]:
        """Insert or replace many entries of one kind in the caller's transaction, with few statements.

        Returns counts {"created", "updated", "unchanged"} and `versions`: {id: new version} of changed ones.
        """
        self.lock_writers(conn)
        now = dt.datetime.utcnow()
        ids = [entry["id"] for entry in batch]
        current: Dict[str, Tuple[str, int]] = {}
        for chunk in _chunks(ids):
            for row in conn.execute(
                sa.select(entries.c.id, entries.c.data, entries.c.version).where(
                    entries.c.kind == kind, entries.c.id.in_(chunk)
                )
            ):
                current[row.id] = (row.data, row.version)
        missing = [i for i in ids if i not in current]
        past = self._last_versions(conn, kind, missing)
        inserts, updates, version_rows, change_rows = [], [], [], []
        new_versions: Dict[str, int] = {}
        for entry in batch:
            data = dumps(entry)
            status = entry.get("status", "published")
            if entry["id"] in current:
                old_data, old_version = current[entry["id"]]
                if old_data == data or _content(json.loads(old_data)) == _content(entry):
                    continue
                version = old_version + 1
                updates.append({"k": kind, "i": entry["id"], "s": status, "v": version, "d": data, "t": now})
            else:
                version = past.get(entry["id"], 0) + 1
                inserts.append(
                    {
                        "kind": kind,
                        "id": entry["id"],
                        "status": status,
                        "version": version,
                        "data": data,
                        "updated_at": now,
                    }
                )
            current[entry["id"]] = (data, version)
            new_versions[entry["id"]] = version
            version_rows.append(
                {
                    "kind": kind,
                    "id": entry["id"],
                    "version": version,
                    "action": "save",
                    "data": data,
                    "actor": actor,
                    "source": source,
                    "at": now,
                }
            )
            change_rows.append({"kind": kind, "id": entry["id"], "at": now})
        if inserts:
            conn.execute(entries.insert(), inserts)
        if updates:
            conn.execute(
                entries.update()
                .where(entries.c.kind == sa.bindparam("k"), entries.c.id == sa.bindparam("i"))
                .values(
                    status=sa.bindparam("s"),
                    version=sa.bindparam("v"),
                    data=sa.bindparam("d"),
                    updated_at=sa.bindparam("t"),
                ),
                updates,
            )
        if version_rows:
            conn.execute(versions.insert(), version_rows)
            conn.execute(changes.insert(), change_rows)
            if kind == SYNONYM_KIND:
                self.refresh_synonym_list(conn)
        return {
            "created": len(inserts),
            "updated": len(updates),
            "unchanged": len(batch) - len(inserts) - len(updates),
            "versions": new_versions,
        }

    def delete(
        self, kind: str, entry_id: str, conn: Optional[Connection] = None, actor: str = "system", source: str = "system"
    ) -> bool:
        if conn is None:
            with self.transaction() as own:
                return self.delete(kind, entry_id, own, actor, source)
        self.lock_writers(conn)
        row = conn.execute(sa.select(entries.c.version).where(entries.c.kind == kind, entries.c.id == entry_id)).first()
        if row is None:
            return False
        conn.execute(entries.delete().where(entries.c.kind == kind, entries.c.id == entry_id))
        now = dt.datetime.utcnow()
        conn.execute(
            versions.insert().values(
                kind=kind,
                id=entry_id,
                version=row.version + 1,
                action="delete",
                data=None,
                actor=actor,
                source=source,
                at=now,
            )
        )
        self.record_change(kind, entry_id, conn)
        if kind == SYNONYM_KIND:
            self.refresh_synonym_list(conn)
        return True

    @classmethod
    def record_change(cls, kind: str, entry_id: str, conn: Connection) -> None:
        cls.lock_writers(conn)
        conn.execute(changes.insert().values(kind=kind, id=entry_id, at=dt.datetime.utcnow()))

    def refresh_synonym_list(self, conn: Connection) -> None:
        """Keeps kb_meta "synonyms" (what the index builder reads) equal to the published synonym entries."""
        rows = conn.execute(
            sa.select(entries.c.data)
            .where(entries.c.kind == SYNONYM_KIND, entries.c.status == "published")
            .order_by(entries.c.id)
        )
        listed = []
        for row in rows:
            entry = json.loads(row.data)
            listed.append({"official": entry["official"], "colloquial": entry["colloquial"]})
        self.set_meta("synonyms", json.dumps(listed, ensure_ascii=False), conn)

    @staticmethod
    def _last_versions(conn: Connection, kind: str, ids: List[str]) -> Dict[str, int]:
        """Highest version ever recorded for entries that are not live now (deleted ones come back numbered on)."""
        found: Dict[str, int] = {}
        for chunk in _chunks(ids):
            query = (
                sa.select(versions.c.id, sa.func.max(versions.c.version))
                .where(versions.c.kind == kind, versions.c.id.in_(chunk))
                .group_by(versions.c.id)
            )
            found.update({row[0]: int(row[1]) for row in conn.execute(query)})
        return found

    # -- change log ---------------------------------------------------------------------------------

    def changes_since(self, seq: int, limit: int = 10000) -> list:
        """[(seq, kind, id)] after `seq`, oldest first."""
        query = (
            sa.select(changes.c.seq, changes.c.kind, changes.c.id)
            .where(changes.c.seq > seq)
            .order_by(changes.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def latest_change(self, max_age: float = 0.0) -> int:
        """The sequence number of the newest change (0: none); see `_reused` for `max_age`."""

        def read() -> int:
            with self.engine.connect() as conn:
                return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(changes.c.seq), 0))).scalar_one())

        return self._reused("latest_change", max_age, read)

    # -- reads --------------------------------------------------------------------------------------

    def get(self, kind: str, entry_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(entries.c.data).where(entries.c.kind == kind, entries.c.id == entry_id)
            ).first()
        return json.loads(row.data) if row else None

    def get_many(self, keys: Iterable[Tuple[str, str]]) -> Dict[Tuple[str, str], Dict[str, Any]]:
        """{(kind, id): entry} of those of `keys` that exist, in a few queries (for bulk readers such as
        the index sync)."""
        by_kind: Dict[str, List[str]] = {}
        for kind, entry_id in keys:
            by_kind.setdefault(kind, []).append(entry_id)
        found: Dict[Tuple[str, str], Dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for kind, ids in by_kind.items():
                for chunk in _chunks(list(dict.fromkeys(ids))):
                    for row in conn.execute(
                        sa.select(entries.c.id, entries.c.data).where(entries.c.kind == kind, entries.c.id.in_(chunk))
                    ):
                        found[(kind, row.id)] = json.loads(row.data)
        return found

    def get_row(self, kind: str, entry_id: str, conn: Optional[Connection] = None) -> Optional[Dict[str, Any]]:
        """The entry with its stored columns: {"data", "status", "version", "updated_at"}."""
        if conn is None:
            with self.engine.connect() as own:
                return self.get_row(kind, entry_id, own)
        row = conn.execute(
            sa.select(entries.c.data, entries.c.status, entries.c.version, entries.c.updated_at).where(
                entries.c.kind == kind, entries.c.id == entry_id
            )
        ).first()
        if row is None:
            return None
        return {
            "data": json.loads(row.data),
            "status": row.status,
            "version": row.version,
            "updated_at": row.updated_at,
        }

    def ids(self, kind: str, status: Optional[str] = None) -> set:
        query = sa.select(entries.c.id).where(entries.c.kind == kind)
        if status:
            query = query.where(entries.c.status == status)
        with self.engine.connect() as conn:
            return {row[0] for row in conn.execute(query)}

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

    def list_rows(
        self,
        kind: str,
        status: Optional[str] = None,
        text: Optional[str] = None,
        ids: Optional[Iterable[str]] = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Tuple[int, List[Dict]]:
        """(total, rows) of one kind, newest change first; `text` matches anywhere in the stored JSON."""
        where = [entries.c.kind == kind]
        if status:
            where.append(entries.c.status == status)
        if text:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append(entries.c.data.like(f"%{escaped}%", escape="\\"))
        if ids is not None:
            where.append(entries.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(entries).where(*where)).scalar_one())
            rows = conn.execute(
                sa.select(entries.c.id, entries.c.data, entries.c.status, entries.c.version, entries.c.updated_at)
                .where(*where)
                .order_by(entries.c.updated_at.desc(), entries.c.id)
                .offset(offset)
                .limit(limit)
            )
            return total, [
                {
                    "id": r.id,
                    "data": json.loads(r.data),
                    "status": r.status,
                    "version": r.version,
                    "updated_at": r.updated_at,
                }
                for r in rows
            ]

    def count(self, kind: Optional[str] = None) -> int:
        query = sa.select(sa.func.count()).select_from(entries)
        if kind:
            query = query.where(entries.c.kind == kind)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- history ------------------------------------------------------------------------------------

    def versions(self, kind: str, entry_id: str) -> List[Dict[str, Any]]:
        """Every published version of an entry, oldest first: version, action, actor, source, at, data."""
        query = (
            sa.select(versions).where(versions.c.kind == kind, versions.c.id == entry_id).order_by(versions.c.version)
        )
        with self.engine.connect() as conn:
            return [
                {
                    "version": r.version,
                    "action": r.action,
                    "actor": r.actor,
                    "source": r.source,
                    "at": r.at,
                    "data": json.loads(r.data) if r.data else None,
                }
                for r in conn.execute(query)
            ]

    def version(self, kind: str, entry_id: str, number: int) -> Optional[Dict[str, Any]]:
        query = sa.select(versions).where(
            versions.c.kind == kind, versions.c.id == entry_id, versions.c.version == number
        )
        with self.engine.connect() as conn:
            r = conn.execute(query).first()
        if r is None:
            return None
        return {
            "version": r.version,
            "action": r.action,
            "actor": r.actor,
            "source": r.source,
            "at": r.at,
            "data": json.loads(r.data) if r.data else None,
        }

    def latest_sources(self, kind: str, conn: Optional[Connection] = None) -> Dict[str, str]:
        """{id: source} of the newest version of each entry of a kind (who wrote it last: sample, admin...)."""
        if conn is None:
            with self.engine.connect() as own:
                return self.latest_sources(kind, own)
        newest = (
            sa.select(versions.c.id, sa.func.max(versions.c.version).label("v"))
            .where(versions.c.kind == kind)
            .group_by(versions.c.id)
            .subquery()
        )
        query = (
            sa.select(versions.c.id, versions.c.source)
            .join(newest, sa.and_(versions.c.id == newest.c.id, versions.c.version == newest.c.v))
            .where(versions.c.kind == kind)
        )
        return {row.id: row.source for row in conn.execute(query)}

    # -- meta ---------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> Optional[str]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).first()
        return row.value if row else None

    def loaded_profile(self, max_age: float = 0.0) -> Dict[str, Any]:
        """The province's profile loaded into the store (knowledge/sync.py writes it: knowledge.schema.Regions as
        JSON); {} when none is loaded or it cannot be read. See `_reused` for `max_age`; each call returns a new
        dict, whose nested values (links, live_chat) are shared with other callers: read them, do not change them."""

        def read() -> Dict[str, Any]:
            raw = self.get_meta("profile")
            try:
                value = json.loads(raw) if raw else {}
            except ValueError:
                value = {}
            return value if isinstance(value, dict) else {}

        return dict(self._reused("profile", max_age, read))

    def set_meta(self, key: str, value: str, conn: Optional[Connection] = None) -> None:
        if conn is None:
            with self.transaction(entries_lock=False) as own:
                return self.set_meta(key, value, own)
        if key == "profile":
            self._profile_written = True
        updated = conn.execute(meta.update().where(meta.c.key == key).values(value=value)).rowcount
        if not updated:
            conn.execute(meta.insert().values(key=key, value=value))


BOOKKEEPING = ("editor", "reviewer", "updated_at")


def same_content(old: Dict[str, Any], new: Dict[str, Any]) -> bool:
    """Whether two versions of an entry say the same (who edited it and when aside)."""
    return _content(old) == _content(new)


def _content(entry: Dict[str, Any]) -> str:
    """What an entry says, without who edited it and when: equal content is not a change."""
    return dumps({k: v for k, v in entry.items() if k not in BOOKKEEPING})


def _chunks(values: List[str], size: int = CHUNK) -> Iterator[List[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
