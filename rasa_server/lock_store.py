"""Rasa's Redis lock store with atomic updates, for several Rasa servers on one Redis.

Rasa 3.6's RedisLockStore changes a conversation's ticket queue by GET, change in Python, SET. Two servers
that receive a message of the same conversation at the same moment both read "no lock", both issue ticket 0
and both process at once (measured with tests/scale/test_multi_worker.py: turns of one conversation
interleaved in the tracker); a server finishing its turn can likewise write back a queue without the ticket
another server has just issued, which then fails with LockError. Here every read-change-write of the queue
is one optimistic Redis transaction (WATCH/MULTI/EXEC, retried when another server changed the key), so
tickets are issued, served and removed in one order across all servers."""

from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

KEEP = object()  # a change that leaves the stored lock as it is


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config=None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Tuple[Any, Any]]) -> Any:
        """Applies change(lock) -> (new lock | None to delete | KEEP, result) atomically; returns result."""
        key = self.key_prefix + conversation_id
        outcome: dict = {}

        def transaction(pipe) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new, outcome["result"] = change(lock)
            pipe.multi()
            if new is None:
                pipe.delete(key)
            elif new is not KEEP:
                pipe.set(key, new.dumps())

        self.red.transaction(transaction, key)
        return outcome["result"]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]):
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]):
            if lock is None:
                return KEEP, None
            lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]):
            if lock is None:
                return KEEP, None
            lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes the ticket and, in the same transaction, the lock when nobody else is waiting."""

        def finish(lock: Optional[TicketLock]):
            if lock is None:
                return KEEP, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)


__all__ = ["AtomicRedisLockStore"]
