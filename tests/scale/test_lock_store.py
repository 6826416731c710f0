"""The lock store the launcher configures for Redis, as several Rasa servers use it at once: tickets issued
and finished concurrently by separate store instances (separate connections, like separate servers) for
one conversation are each issued once, none is lost, and the lock is gone when the last one is finished."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from devtools.support.cluster import SCALE_REDIS_DB
from devtools.support.services import suite_redis_url
from launcher.endpoints import render_endpoints
from rasa_server.lock_store import AtomicRedisLockStore
from settings import Settings
from tests.conftest import needs

pytestmark = pytest.mark.redis

SERVERS = 4
TICKETS_EACH = 50


@pytest.fixture
@needs("redis")
def redis_url() -> str:
    """REDIS_URL db 8 on the tests' Redis: the launcher puts the lock store in db 9."""
    return suite_redis_url(SCALE_REDIS_DB)


def lock_store_of_the_launcher(redis_url: str) -> LockStore:
    config = render_endpoints(Settings(redis_url=redis_url))["lock_store"]
    return LockStore.create(EndpointConfig.from_dict(config))


def run_together(work) -> None:
    start = threading.Barrier(SERVERS)

    def runner(index: int) -> None:
        start.wait()
        work(index)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(SERVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def test_concurrent_tickets_of_one_conversation_are_unique_and_none_is_lost(redis_url):
    stores = [lock_store_of_the_launcher(redis_url) for _ in range(SERVERS)]
    assert all(isinstance(store, AtomicRedisLockStore) for store in stores)
    assert stores[0].red.connection_pool.connection_kwargs["db"] == 9  # REDIS_URL db 8 + 1
    conversation = "lock-" + uuid.uuid4().hex
    issued = [[] for _ in range(SERVERS)]
    run_together(lambda i: issued[i].extend(stores[i].issue_ticket(conversation, 600) for _ in range(TICKETS_EACH)))

    numbers = [n for tickets in issued for n in tickets]
    assert len(numbers) == SERVERS * TICKETS_EACH
    assert sorted(numbers) == list(range(SERVERS * TICKETS_EACH))  # no number handed out twice
    lock = stores[0].get_lock(conversation)
    assert sorted(t.number for t in lock.tickets) == sorted(numbers)  # no ticket dropped by a stale write

    run_together(lambda i: [stores[i].cleanup(conversation, n) for n in issued[i]])
    assert stores[0].get_lock(conversation) is None
    assert not redis.Redis.from_url(redis_url.rsplit("/", 1)[0] + "/9").exists(stores[0].key_prefix + conversation)


def test_a_waiting_ticket_survives_another_server_finishing(redis_url):
    first, second = lock_store_of_the_launcher(redis_url), lock_store_of_the_launcher(redis_url)
    conversation = "lock-" + uuid.uuid4().hex
    serving = first.issue_ticket(conversation, 600)
    waiting = second.issue_ticket(conversation, 600)
    first.cleanup(conversation, serving)
    lock = second.get_lock(conversation)
    assert lock is not None and not lock.is_locked(waiting)  # the waiting server is served next
    second.cleanup(conversation, waiting)
    assert second.get_lock(conversation) is None
