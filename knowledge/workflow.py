"""Draft → review → publish for every editable entry kind, with history, diff and rollback.

The live entry (what chat and search use) stays in kb_entries untouched while a change to it is drafted and
reviewed in kb_revisions; publishing copies the change into kb_entries, which records the new version and
the change-log row in the same transaction. Each entry has at most one open change (draft or in review).

Rules:
  - anyone with the "edit" permission saves drafts, submits them, withdraws them, asks for a deletion;
  - publishing and sending back (退回) need the "publish" permission: an editor cannot publish, not even
    their own change; a reviewer or an admin can;
  - a change made from an older version than the live one is refused at publishing (someone else
    published in between): it must be redone on the latest version.
Every step is written to the audit log in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Dict, List, Optional

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from knowledge import audit
from knowledge.diff import diff_entries
from knowledge.links import KnownIds, broken_links
from knowledge.problems import describe
from knowledge.schema import EDITABLE_MODELS, PUBLISHED
from knowledge.staff import StaffMember
from knowledge.store import KnowledgeStore, dumps
from knowledge.tables import entries, revisions

OPEN_STATES = ("draft", "review")
STATE_NAMES = {"draft": "草稿", "review": "待审核", "published": "已发布", "withdrawn": "已撤销"}
KIND_NAMES = {"faq": "常见问题", "item": "事项", "package": "一件事", "app": "便民应用", "synonym": "同义词"}


class WorkflowError(Exception):
    status = 400

    def __init__(self, message: str, problems: Optional[List] = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class NotFound(WorkflowError):
    status = 404


class Conflict(WorkflowError):
    status = 409


class Forbidden(WorkflowError):
    status = 403


class Invalid(WorkflowError):
    status = 422


def _revision(row) -> Dict[str, Any]:
    return {
        "rev": row.rev,
        "kind": row.kind,
        "id": row.entry_id,
        "action": row.action,
        "data": json.loads(row.data) if row.data else None,
        "base_version": row.base_version,
        "state": row.state,
        "state_name": STATE_NAMES.get(row.state, row.state),
        "author": row.author,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "submitted_at": row.submitted_at,
        "reviewer": row.reviewer,
        "reviewed_at": row.reviewed_at,
        "comment": row.comment,
        "published_version": row.published_version,
        "origin": row.origin,
    }


class Workflow:
    def __init__(self, store: KnowledgeStore) -> None:
        self.store = store

    # -- validation ---------------------------------------------------------------------------------

    def validate(self, kind: str, data: Dict[str, Any], known: Optional[KnownIds] = None) -> Dict[str, Any]:
        """The entry as the schema normalises it, with today's date; raises Invalid with Chinese reasons."""
        model = EDITABLE_MODELS[kind]
        candidate = {k: v for k, v in data.items() if k not in ("editor", "reviewer", "kind")}
        candidate["status"] = PUBLISHED
        candidate["updated_at"] = dt.date.today()
        try:
            entry = json.loads(model(**candidate).json())
        except ValidationError as exc:
            problems = describe(exc)
            raise Invalid("；".join(reason for _, reason in problems), problems) from exc
        problems = broken_links(kind, entry, known or KnownIds.load(self.store))
        if problems:
            raise Invalid("；".join(reason for _, reason in problems), problems)
        return entry

    # -- reading ------------------------------------------------------------------------------------

    def open_change(self, kind: str, entry_id: str, conn: Optional[Connection] = None) -> Optional[Dict]:
        if conn is None:
            with self.store.engine.connect() as own:
                return self.open_change(kind, entry_id, own)
        row = conn.execute(
            sa.select(revisions)
            .where(revisions.c.kind == kind, revisions.c.entry_id == entry_id, revisions.c.state.in_(OPEN_STATES))
            .order_by(revisions.c.rev.desc())
        ).first()
        return _revision(row) if row else None

    def open_changes(
        self, kind: Optional[str] = None, state: Optional[str] = None, offset: int = 0, limit: int = 50
    ) -> tuple:
        """(total, open changes) oldest first: the review queue when state="review"."""
        where = [revisions.c.state.in_([state] if state else list(OPEN_STATES))]
        if kind:
            where.append(revisions.c.kind == kind)
        with self.store.engine.connect() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(revisions).where(*where)).scalar_one())
            rows = conn.execute(
                sa.select(revisions)
                .where(*where)
                .order_by(revisions.c.updated_at, revisions.c.rev)
                .offset(offset)
                .limit(limit)
            )
            return total, [_revision(row) for row in rows]

    def open_ids(self, kind: str) -> Dict[str, str]:
        """{entry id: state} of entries with an open change."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(revisions.c.entry_id, revisions.c.state).where(
                    revisions.c.kind == kind, revisions.c.state.in_(OPEN_STATES)
                )
            )
            return {row.entry_id: row.state for row in rows}

    def history(self, kind: str, entry_id: str) -> List[Dict]:
        found = self.store.versions(kind, entry_id)
        if not found:
            raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 没有发布过的版本")
        return found

    def diff(self, kind: str, entry_id: str, old: Optional[int], new: Optional[int]) -> Dict[str, Any]:
        """Differences from version `old` to version `new`; `new` None compares with the open change."""
        before = self._version_data(kind, entry_id, old) if old else None
        if new is None:
            change = self.open_change(kind, entry_id)
            if change is None:
                raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 没有待发布的修改")
            if old is None:
                live = self.store.get_row(kind, entry_id)
                before = live["data"] if live else None
            after = change["data"]
        else:
            after = self._version_data(kind, entry_id, new)
        return {"kind": kind, "id": entry_id, "from": old, "to": new, "changes": diff_entries(before, after)}

    def _version_data(self, kind: str, entry_id: str, number: int) -> Optional[Dict]:
        found = self.store.version(kind, entry_id, number)
        if found is None:
            raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 没有第 {number} 版")
        return found["data"]

    # -- steps --------------------------------------------------------------------------------------

    def save(
        self,
        kind: str,
        data: Dict[str, Any],
        who: StaffMember,
        create: bool = False,
        origin: str = "admin",
        then: Optional[Callable[[Connection], None]] = None,
    ) -> Dict:
        """Saves a draft of a new entry (`create`) or of a change to an existing one; `then` runs in the
        same transaction."""
        entry = self.validate(kind, data)
        entry_id = entry["id"]
        with self.store.transaction() as conn:
            live = self.store.get_row(kind, entry_id, conn)
            change = self.open_change(kind, entry_id, conn)
            if create and (live or (change and change["base_version"] == 0)):
                raise Conflict(f"{KIND_NAMES[kind]}编号 {entry_id} 已存在")
            if not create and not live and not change:
                raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 不存在")
            rev = self._write_change(conn, kind, entry_id, "save", entry, live, change, who, origin)
            audit.record(conn, who.name, who.role, "save_draft", kind, entry_id, rev=rev, origin=origin)
            if then is not None:
                then(conn)
            return self.open_change(kind, entry_id, conn)

    def request_delete(self, kind: str, entry_id: str, who: StaffMember) -> Dict:
        with self.store.transaction() as conn:
            live = self.store.get_row(kind, entry_id, conn)
            change = self.open_change(kind, entry_id, conn)
            if live is None:
                if change and change["base_version"] == 0:  # never published: just drop the draft
                    self._close(conn, change["rev"], "withdrawn", who)
                    audit.record(conn, who.name, who.role, "withdraw", kind, entry_id, rev=change["rev"])
                    return {**change, "state": "withdrawn", "state_name": STATE_NAMES["withdrawn"]}
                raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 不存在")
            rev = self._write_change(conn, kind, entry_id, "delete", None, live, change, who, "admin")
            audit.record(conn, who.name, who.role, "request_delete", kind, entry_id, rev=rev)
            return self.open_change(kind, entry_id, conn)

    def submit(self, kind: str, entry_id: str, who: StaffMember) -> Dict:
        with self.store.transaction() as conn:
            change = self._require_open(conn, kind, entry_id)
            if change["state"] == "review":
                raise Conflict(f"{KIND_NAMES[kind]} {entry_id} 的修改已在审核中")
            now = dt.datetime.utcnow()
            conn.execute(
                revisions.update()
                .where(revisions.c.rev == change["rev"])
                .values(state="review", submitted_at=now, updated_at=now)
            )
            audit.record(conn, who.name, who.role, "submit", kind, entry_id, rev=change["rev"])
            return self.open_change(kind, entry_id, conn)

    def withdraw(self, kind: str, entry_id: str, who: StaffMember) -> Dict:
        with self.store.transaction() as conn:
            change = self._require_open(conn, kind, entry_id)
            self._close(conn, change["rev"], "withdrawn", who)
            audit.record(conn, who.name, who.role, "withdraw", kind, entry_id, rev=change["rev"])
            return {**change, "state": "withdrawn", "state_name": STATE_NAMES["withdrawn"]}

    def reject(self, kind: str, entry_id: str, who: StaffMember, comment: str) -> Dict:
        """Sends a change back to its editor as a draft, with the reviewer's comment."""
        self._require_publisher(who)
        with self.store.transaction() as conn:
            change = self._require_open(conn, kind, entry_id)
            now = dt.datetime.utcnow()
            conn.execute(
                revisions.update()
                .where(revisions.c.rev == change["rev"])
                .values(state="draft", reviewer=who.name, reviewed_at=now, updated_at=now, comment=comment)
            )
            audit.record(conn, who.name, who.role, "reject", kind, entry_id, rev=change["rev"], comment=comment)
            return self.open_change(kind, entry_id, conn)

    def publish(self, kind: str, entry_id: str, who: StaffMember, comment: str = "") -> Dict:
        """Makes the open change live; returns {"id", "version", "action"}."""
        self._require_publisher(who)
        with self.store.transaction() as conn:
            change = self._require_open(conn, kind, entry_id)
            return self._publish(conn, change, who, comment)

    def rollback(self, kind: str, entry_id: str, number: int, who: StaffMember, publish: bool = False) -> Dict:
        """Drafts the content of version `number` as a new change; with `publish`, publishes it at once."""
        if publish:
            self._require_publisher(who)
        old = self.store.version(kind, entry_id, number)
        if old is None:
            raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 没有第 {number} 版")
        if old["action"] != "save":
            raise Invalid(f"第 {number} 版是一次删除，不能回滚到它")
        entry = self.validate(kind, old["data"])
        with self.store.transaction() as conn:
            live = self.store.get_row(kind, entry_id, conn)
            change = self.open_change(kind, entry_id, conn)
            rev = self._write_change(
                conn, kind, entry_id, "save", entry, live, change, who, "rollback", comment=f"回滚到第 {number} 版"
            )
            audit.record(conn, who.name, who.role, "rollback", kind, entry_id, rev=rev, to_version=number)
            change = self.open_change(kind, entry_id, conn)
            if publish:
                return {
                    **change,
                    **self._publish(conn, change, who, f"回滚到第 {number} 版"),
                    "state": "published",
                    "state_name": STATE_NAMES["published"],
                }
            return change

    def save_many(self, conn: Connection, kind: str, batch: List[Dict[str, Any]], who: StaffMember, origin: str) -> int:
        """Saves many validated entries as drafts in the caller's transaction (imports); few statements."""
        if not batch:
            return 0
        ids = [entry["id"] for entry in batch]
        live: Dict[str, int] = {}
        open_revs: Dict[str, int] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            live.update(
                {
                    r.id: r.version
                    for r in conn.execute(
                        sa.select(entries.c.id, entries.c.version).where(
                            entries.c.kind == kind, entries.c.id.in_(chunk)
                        )
                    )
                }
            )
            open_revs.update(
                {
                    r.entry_id: r.rev
                    for r in conn.execute(
                        sa.select(revisions.c.entry_id, revisions.c.rev).where(
                            revisions.c.kind == kind,
                            revisions.c.entry_id.in_(chunk),
                            revisions.c.state.in_(OPEN_STATES),
                        )
                    )
                }
            )
        now = dt.datetime.utcnow()
        inserts, updates = [], []
        for entry in batch:
            if entry["id"] in open_revs:
                updates.append(
                    {
                        "r": open_revs[entry["id"]],
                        "d": dumps(entry),
                        "a": who.name,
                        "t": now,
                        "o": origin,
                        "b": live.get(entry["id"], 0),
                    }
                )
            else:
                inserts.append(
                    {
                        "kind": kind,
                        "entry_id": entry["id"],
                        "action": "save",
                        "data": dumps(entry),
                        "base_version": live.get(entry["id"], 0),
                        "state": "draft",
                        "author": who.name,
                        "created_at": now,
                        "updated_at": now,
                        "comment": "",
                        "origin": origin,
                    }
                )
        if inserts:
            conn.execute(revisions.insert(), inserts)
        if updates:
            conn.execute(
                revisions.update()
                .where(revisions.c.rev == sa.bindparam("r"))
                .values(
                    action="save",
                    data=sa.bindparam("d"),
                    author=sa.bindparam("a"),
                    updated_at=sa.bindparam("t"),
                    origin=sa.bindparam("o"),
                    base_version=sa.bindparam("b"),
                    state="draft",
                    submitted_at=None,
                ),
                updates,
            )
        return len(batch)

    # -- internals ----------------------------------------------------------------------------------

    @staticmethod
    def _require_publisher(who: StaffMember) -> None:
        if not who.can("publish"):
            raise Forbidden("编辑不能发布修改（包括自己的修改）：请提交审核，由审核员或管理员发布")

    def _require_open(self, conn: Connection, kind: str, entry_id: str) -> Dict:
        change = self.open_change(kind, entry_id, conn)
        if change is None:
            raise NotFound(f"{KIND_NAMES[kind]} {entry_id} 没有待发布的修改")
        return change

    def _write_change(
        self,
        conn: Connection,
        kind: str,
        entry_id: str,
        action: str,
        entry: Optional[Dict],
        live: Optional[Dict],
        change: Optional[Dict],
        who: StaffMember,
        origin: str,
        comment: str = "",
    ) -> int:
        now = dt.datetime.utcnow()
        values = {
            "action": action,
            "data": dumps(entry) if entry is not None else None,
            "state": "draft",
            "author": who.name,
            "updated_at": now,
            "submitted_at": None,
            "comment": comment,
            "origin": origin,
        }
        if change:
            conn.execute(revisions.update().where(revisions.c.rev == change["rev"]).values(**values))
            return change["rev"]
        return conn.execute(
            revisions.insert().values(
                kind=kind, entry_id=entry_id, base_version=live["version"] if live else 0, created_at=now, **values
            )
        ).inserted_primary_key[0]

    @staticmethod
    def _close(conn: Connection, rev: int, state: str, who: StaffMember) -> None:
        conn.execute(
            revisions.update().where(revisions.c.rev == rev).values(state=state, updated_at=dt.datetime.utcnow())
        )

    def _publish(self, conn: Connection, change: Dict, who: StaffMember, comment: str) -> Dict:
        kind, entry_id = change["kind"], change["id"]
        live = self.store.get_row(kind, entry_id, conn)
        live_version = live["version"] if live else 0
        if change["base_version"] != live_version:
            raise Conflict(
                f"{KIND_NAMES[kind]} {entry_id} 在这份修改之后已被他人更新（当前第 {live_version} 版），"
                f"请在最新版本上重新修改"
            )
        source = "rollback" if change["origin"] == "rollback" else "admin"
        if change["action"] == "delete":
            if live is None:
                raise Conflict(f"{KIND_NAMES[kind]} {entry_id} 已不存在")
            self.store.delete(kind, entry_id, conn, actor=who.name, source=source)
            version = live_version + 1
        else:
            entry = dict(change["data"], status=PUBLISHED, editor=change["author"], reviewer=who.name)
            self.store.upsert(kind, entry, conn, actor=who.name, source=source)
            version = self.store.get_row(kind, entry_id, conn)["version"]
        now = dt.datetime.utcnow()
        conn.execute(
            revisions.update()
            .where(revisions.c.rev == change["rev"])
            .values(
                state="published",
                reviewer=who.name,
                reviewed_at=now,
                updated_at=now,
                published_version=version,
                comment=comment or change["comment"],
            )
        )
        audit.record(
            conn,
            who.name,
            who.role,
            "publish",
            kind,
            entry_id,
            rev=change["rev"],
            version=version,
            change=change["action"],
            author=change["author"],
        )
        return {"id": entry_id, "kind": kind, "version": version, "action": change["action"]}
