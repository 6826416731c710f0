"""SQLite persistence of the reference API (stdlib sqlite3, one connection guarded by a lock).

Route handlers are plain ``def`` functions (run in a thread pool), so every access goes
through ``Store.lock``; ``Store.transaction()`` is re-entrant, which lets an idempotent create
run its check, the business action and the recording of the outcome as one atomic unit.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    prefix TEXT NOT NULL,
    day TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (prefix, day)
);
CREATE TABLE IF NOT EXISTS appointments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    appointment_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    item_name TEXT NOT NULL,
    place TEXT NOT NULL,
    date TEXT NOT NULL,
    slot TEXT NOT NULL,
    phone TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE INDEX IF NOT EXISTS ix_appointments_slot ON appointments (item_id, place, date, slot, status);
CREATE INDEX IF NOT EXISTS ix_appointments_user ON appointments (user_id);
CREATE TABLE IF NOT EXISTS applications (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    application_no TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    item_name TEXT NOT NULL,
    form_json TEXT NOT NULL,
    status TEXT NOT NULL,
    step_times_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_applications_user ON applications (user_id);
CREATE TABLE IF NOT EXISTS workorders (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    workorder_no TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    location TEXT,
    contact_phone TEXT,
    status TEXT NOT NULL,
    step_times_json TEXT NOT NULL,
    reply TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_workorders_user ON workorders (user_id);
CREATE TABLE IF NOT EXISTS evaluations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluation_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, target_type, target_id)
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    sender_id TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_messages_phone ON messages (phone);
CREATE TABLE IF NOT EXISTS idempotency (
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Store:
    def __init__(self, db_path: str):
        if db_path != ":memory:":
            Path(db_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.db_path = db_path
        self.lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self.lock:
            self._conn.execute("PRAGMA journal_mode=WAL" if db_path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    # --- plumbing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Re-entrant write transaction; the outermost level commits or rolls back."""
        with self.lock:
            outermost = self._depth == 0
            if outermost:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._conn.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if outermost:
                    self._conn.execute("COMMIT")

    def _one(self, sql: str, params: Tuple = ()) -> Optional[sqlite3.Row]:
        with self.lock:
            return self._conn.execute(sql, params).fetchone()

    def _all(self, sql: str, params: Tuple = ()) -> List[sqlite3.Row]:
        with self.lock:
            return self._conn.execute(sql, params).fetchall()

    def _exec(self, sql: str, params: Tuple = ()) -> None:
        with self.transaction():
            self._conn.execute(sql, params)

    def next_number(self, prefix: str, day: str) -> str:
        """Next business number such as SX2026112300001 (per prefix, per day, 5 digits)."""
        with self.transaction():
            row = self._conn.execute(
                "SELECT value FROM counters WHERE prefix = ? AND day = ?", (prefix, day)
            ).fetchone()
            value = (row["value"] if row else 0) + 1
            self._conn.execute(
                "INSERT INTO counters (prefix, day, value) VALUES (?, ?, ?) "
                "ON CONFLICT (prefix, day) DO UPDATE SET value = excluded.value",
                (prefix, day, value),
            )
        return f"{prefix}{day}{value:05d}"

    # --- tokens ---------------------------------------------------------------------------

    def add_token(self, token: str, user_id: str, issued_at: str, expires_at: float) -> None:
        self._exec(
            "INSERT INTO tokens (token, user_id, issued_at, expires_at) VALUES (?, ?, ?, ?)",
            (token, user_id, issued_at, expires_at),
        )

    def token_user(self, token: str, now_ts: float) -> Optional[str]:
        row = self._one("SELECT user_id, expires_at FROM tokens WHERE token = ?", (token,))
        if row is None or row["expires_at"] <= now_ts:
            return None
        return row["user_id"]

    # --- idempotency ----------------------------------------------------------------------

    def idempotency_get(self, user_id: str, key: str) -> Optional[Dict[str, Any]]:
        row = self._one("SELECT * FROM idempotency WHERE user_id = ? AND key = ?", (user_id, key))
        if row is None:
            return None
        return {
            "fingerprint": row["fingerprint"],
            "status_code": row["status_code"],
            "body": json.loads(row["response_json"]),
        }

    def idempotency_put(
        self,
        user_id: str,
        key: str,
        fingerprint: str,
        method: str,
        path: str,
        status_code: int,
        body: Any,
        created_at: str,
    ) -> None:
        self._exec(
            "INSERT INTO idempotency (user_id, key, fingerprint, method, path, status_code, response_json, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, key, fingerprint, method, path, status_code, _dumps(body), created_at),
        )

    # --- appointments ---------------------------------------------------------------------

    def count_booked(self, item_id: str, place: str, date: str, slot: str) -> int:
        row = self._one(
            "SELECT COUNT(*) AS n FROM appointments WHERE item_id = ? AND place = ? AND date = ? "
            "AND slot = ? AND status = '已预约'",
            (item_id, place, date, slot),
        )
        return int(row["n"])

    def user_booking(self, user_id: str, item_id: str, date: str, slot: str) -> Optional[Dict[str, Any]]:
        row = self._one(
            "SELECT * FROM appointments WHERE user_id = ? AND item_id = ? AND date = ? AND slot = ? "
            "AND status = '已预约'",
            (user_id, item_id, date, slot),
        )
        return self._appointment(row) if row else None

    def insert_appointment(self, record: Dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO appointments (appointment_id, user_id, item_id, item_name, place, date, slot, phone, "
            "status, created_at, cancelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record["appointment_id"],
                record["user_id"],
                record["item_id"],
                record["item_name"],
                record["place"],
                record["date"],
                record["slot"],
                record["phone"],
                record["status"],
                record["created_at"],
                record.get("cancelled_at"),
            ),
        )

    def get_appointment(self, appointment_id: str) -> Optional[Dict[str, Any]]:
        row = self._one("SELECT * FROM appointments WHERE appointment_id = ?", (appointment_id,))
        return self._appointment(row) if row else None

    def cancel_appointment(self, appointment_id: str, status: str, cancelled_at: str) -> None:
        self._exec(
            "UPDATE appointments SET status = ?, cancelled_at = ? WHERE appointment_id = ?",
            (status, cancelled_at, appointment_id),
        )

    def list_appointments(self, user_id: str) -> List[Dict[str, Any]]:
        rows = self._all("SELECT * FROM appointments WHERE user_id = ? ORDER BY seq", (user_id,))
        return [self._appointment(r) for r in rows]

    @staticmethod
    def _appointment(row: sqlite3.Row) -> Dict[str, Any]:
        keys = (
            "appointment_id",
            "user_id",
            "item_id",
            "item_name",
            "place",
            "date",
            "slot",
            "phone",
            "status",
            "created_at",
            "cancelled_at",
        )
        return {k: row[k] for k in keys}

    # --- applications ---------------------------------------------------------------------

    def insert_application(self, record: Dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO applications (application_no, user_id, item_id, item_name, form_json, status, "
            "step_times_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record["application_no"],
                record["user_id"],
                record["item_id"],
                record["item_name"],
                _dumps(record["form"]),
                record["status"],
                _dumps(record["step_times"]),
                record["created_at"],
                record["updated_at"],
            ),
        )

    def get_application(self, application_no: str) -> Optional[Dict[str, Any]]:
        row = self._one("SELECT * FROM applications WHERE application_no = ?", (application_no,))
        return self._application(row) if row else None

    def update_application(self, application_no: str, status: str, step_times: Dict[str, str], updated_at: str) -> None:
        self._exec(
            "UPDATE applications SET status = ?, step_times_json = ?, updated_at = ? WHERE application_no = ?",
            (status, _dumps(step_times), updated_at, application_no),
        )

    def list_applications(self, user_id: str) -> List[Dict[str, Any]]:
        rows = self._all("SELECT * FROM applications WHERE user_id = ? ORDER BY seq", (user_id,))
        return [self._application(r) for r in rows]

    @staticmethod
    def _application(row: sqlite3.Row) -> Dict[str, Any]:
        return {
            "application_no": row["application_no"],
            "user_id": row["user_id"],
            "item_id": row["item_id"],
            "item_name": row["item_name"],
            "form": json.loads(row["form_json"]),
            "status": row["status"],
            "step_times": json.loads(row["step_times_json"]),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    # --- work orders ----------------------------------------------------------------------

    def insert_workorder(self, record: Dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO workorders (workorder_no, user_id, kind, content, location, contact_phone, status, "
            "step_times_json, reply, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record["workorder_no"],
                record["user_id"],
                record["kind"],
                record["content"],
                record["location"],
                record["contact_phone"],
                record["status"],
                _dumps(record["step_times"]),
                record["reply"],
                record["created_at"],
                record["updated_at"],
            ),
        )

    def get_workorder(self, workorder_no: str) -> Optional[Dict[str, Any]]:
        row = self._one("SELECT * FROM workorders WHERE workorder_no = ?", (workorder_no,))
        return self._workorder(row) if row else None

    def update_workorder(
        self, workorder_no: str, status: str, step_times: Dict[str, str], reply: Optional[str], updated_at: str
    ) -> None:
        self._exec(
            "UPDATE workorders SET status = ?, step_times_json = ?, reply = ?, updated_at = ? WHERE workorder_no = ?",
            (status, _dumps(step_times), reply, updated_at, workorder_no),
        )

    def list_workorders(self, user_id: str) -> List[Dict[str, Any]]:
        rows = self._all("SELECT * FROM workorders WHERE user_id = ? ORDER BY seq", (user_id,))
        return [self._workorder(r) for r in rows]

    @staticmethod
    def _workorder(row: sqlite3.Row) -> Dict[str, Any]:
        return {
            "workorder_no": row["workorder_no"],
            "user_id": row["user_id"],
            "kind": row["kind"],
            "content": row["content"],
            "location": row["location"],
            "contact_phone": row["contact_phone"],
            "status": row["status"],
            "step_times": json.loads(row["step_times_json"]),
            "reply": row["reply"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    # --- evaluations ----------------------------------------------------------------------

    def find_evaluation(self, user_id: str, target_type: str, target_id: str) -> Optional[Dict[str, Any]]:
        row = self._one(
            "SELECT * FROM evaluations WHERE user_id = ? AND target_type = ? AND target_id = ?",
            (user_id, target_type, target_id),
        )
        return self._evaluation(row) if row else None

    def insert_evaluation(self, record: Dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO evaluations (evaluation_id, user_id, target_type, target_id, rating, comment, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                record["evaluation_id"],
                record["user_id"],
                record["target_type"],
                record["target_id"],
                record["rating"],
                record["comment"],
                record["created_at"],
            ),
        )

    def list_evaluations(self, user_id: str) -> List[Dict[str, Any]]:
        rows = self._all("SELECT * FROM evaluations WHERE user_id = ? ORDER BY seq", (user_id,))
        return [self._evaluation(r) for r in rows]

    @staticmethod
    def _evaluation(row: sqlite3.Row) -> Dict[str, Any]:
        keys = ("evaluation_id", "user_id", "target_type", "target_id", "rating", "comment", "created_at")
        return {k: row[k] for k in keys}

    # --- pushed messages ------------------------------------------------------------------

    _MESSAGE_KEYS = ("message_id", "phone", "sender_id", "title", "text", "status", "created_at")

    def insert_message(self, record: Dict[str, Any]) -> None:
        self._exec(
            "INSERT INTO messages (message_id, phone, sender_id, title, text, status, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            tuple(record[k] for k in self._MESSAGE_KEYS),
        )

    def list_messages(self, phone: str) -> List[Dict[str, Any]]:
        rows = self._all("SELECT * FROM messages WHERE phone = ? ORDER BY seq", (phone,))
        return [{k: r[k] for k in self._MESSAGE_KEYS} for r in rows]
