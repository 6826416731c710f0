"""Durable outbox of submissions: nothing a citizen submitted is lost, nothing is done twice.

A request is written here *before* the first call (with its idempotency key), then sent. If the platform
is down or slow the row stays pending and the outbox worker (`python -m actions.platform.outbox_worker`) sends it
again later with the same key, so the platform creates it once. Once delivered or refused, the personal
data in the body and the identity token are erased; only the platform's answer is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from actions.platform.application_api import (
    ApplicationApiClient,
    PlatformUnavailable,
    SubmissionRejected,
    new_idempotency_key,
)
from knowledge.store import create_tables, make_engine, write_transaction

logger = logging.getLogger(__name__)

PENDING, DELIVERED, REJECTED = "pending", "delivered", "rejected"
KINDS = ("appointment", "application", "workorder", "evaluation")

_metadata = sa.MetaData()
outbox_table = sa.Table(
    "handoff_outbox",
    _metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("user_ref", sa.String(64), nullable=False),
    sa.Column("token", sa.Text, nullable=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime, nullable=False),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)


@dataclass
class OutboxEntry:
    key: str
    kind: str
    status: str
    attempts: int
    result: Optional[Dict[str, Any]]
    error: Optional[str]


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


class Outbox:
    def __init__(self, url: str, retry_after_seconds: float = 10.0, max_backoff_seconds: float = 600.0) -> None:
        # The action server and the outbox worker share it: on SQLite the knowledge store's engine (WAL, busy
        # timeout, write lock taken at BEGIN) lets both start on a new file and write without "database is locked".
        self.engine = make_engine(url)
        create_tables(self.engine, _metadata)
        self.retry_after = retry_after_seconds
        self.max_backoff = max_backoff_seconds

    def put(self, kind: str, user_ref: str, token: Optional[str], body: Dict[str, Any], key: str) -> bool:
        """Stores a request; False if that key is already there (a double send)."""
        if kind not in KINDS:
            raise ValueError(f"unknown submission kind: {kind}")
        now = _now()
        try:
            with write_transaction(self.engine) as conn:
                exists = conn.execute(sa.select(outbox_table.c.key).where(outbox_table.c.key == key)).first()
                if exists:
                    return False
                conn.execute(
                    outbox_table.insert().values(
                        key=key,
                        kind=kind,
                        user_ref=user_ref,
                        token=token,
                        body=json.dumps(body, ensure_ascii=False),
                        status=PENDING,
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except sa.exc.IntegrityError:  # PostgreSQL: another action server stored the same key a moment before
            return False
        return True

    def get(self, key: str) -> Optional[OutboxEntry]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(outbox_table).where(outbox_table.c.key == key)).first()
        if row is None:
            return None
        return OutboxEntry(
            row.key, row.kind, row.status, row.attempts, json.loads(row.result) if row.result else None, row.error
        )

    def due(self, limit: int = 50) -> List[Dict[str, Any]]:
        query = (
            sa.select(outbox_table)
            .where(outbox_table.c.status == PENDING, outbox_table.c.next_attempt_at <= _now())
            .order_by(outbox_table.c.created_at)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def _finish(self, key: str, status: str, result: Optional[Dict], error: Optional[str]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                outbox_table.update()
                .where(outbox_table.c.key == key)
                .values(
                    status=status,
                    result=json.dumps(result, ensure_ascii=False) if result is not None else None,
                    error=error,
                    token=None,
                    body="{}",
                    attempts=outbox_table.c.attempts + 1,
                    updated_at=_now(),
                )
            )

    def mark_delivered(self, key: str, result: Dict[str, Any]) -> None:
        self._finish(key, DELIVERED, result, None)

    def mark_rejected(self, key: str, reason: str) -> None:
        self._finish(key, REJECTED, None, reason)

    def mark_retry(self, key: str, error: str) -> None:
        with write_transaction(self.engine) as conn:
            attempts = conn.execute(sa.select(outbox_table.c.attempts).where(outbox_table.c.key == key)).scalar_one()
            delay = min(self.max_backoff, self.retry_after * (2**attempts))
            conn.execute(
                outbox_table.update()
                .where(outbox_table.c.key == key)
                .values(
                    attempts=attempts + 1,
                    error=error,
                    next_attempt_at=_now() + dt.timedelta(seconds=delay),
                    updated_at=_now(),
                )
            )


async def _send(client: ApplicationApiClient, kind: str, token: str, body: Dict[str, Any], key: str) -> Dict:
    method = getattr(client, f"create_{kind}")
    return await method(token, body, key)


@dataclass
class SubmissionOutcome:
    status: str  # delivered | queued | rejected
    key: str
    result: Optional[Dict[str, Any]] = None
    reason: Optional[str] = None
    http_status: Optional[int] = None  # of a refusal, when this call saw it
    repeated: bool = False  # the same request (same key) was submitted before: nothing new was done


async def submit(
    outbox: Outbox,
    client: ApplicationApiClient,
    kind: str,
    user_ref: str,
    token: str,
    body: Dict[str, Any],
    key: Optional[str] = None,
) -> SubmissionOutcome:
    """Stores the request, then sends it. `key` makes a resubmission of the same request a no-op."""
    key = key or new_idempotency_key()
    if not outbox.put(kind, user_ref, token, body, key):
        entry = outbox.get(key)
        status = {DELIVERED: "delivered", REJECTED: "rejected"}.get(entry.status, "queued")
        return SubmissionOutcome(status, key, entry.result, entry.error, repeated=True)
    return await _attempt(outbox, client, kind, token, body, key)


async def _attempt(outbox: Outbox, client: ApplicationApiClient, kind: str, token: str, body: Dict, key: str):
    try:
        result = await _send(client, kind, token, body, key)
    except SubmissionRejected as exc:
        outbox.mark_rejected(key, exc.message)
        return SubmissionOutcome("rejected", key, reason=exc.message, http_status=exc.status)
    except PlatformUnavailable as exc:
        outbox.mark_retry(key, exc.message)
        return SubmissionOutcome("queued", key, reason=exc.message)
    outbox.mark_delivered(key, result)
    return SubmissionOutcome("delivered", key, result)


async def deliver_due(outbox: Outbox, client: ApplicationApiClient, limit: int = 50) -> Dict[str, int]:
    """Sends every pending request whose time has come; returns counts by outcome."""
    counts = {"delivered": 0, "queued": 0, "rejected": 0}
    for row in outbox.due(limit):
        outcome = await _attempt(outbox, client, row["kind"], row["token"] or "", json.loads(row["body"]), row["key"])
        counts[outcome.status] += 1
    return counts
