"""The gateway's key-value store behaves the same in memory and in Redis."""

import asyncio

import pytest

from gateway.kv import MemoryStore, RedisStore


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def kv(request):
    if request.param == "memory":
        store = MemoryStore()
    else:
        store = RedisStore(request.getfixturevalue("redis_url"))
    yield store
    await store.close()


async def test_add_is_set_if_absent_and_values_expire(kv):
    assert await kv.add("k", "first", ttl=0.3) is True
    assert await kv.add("k", "second", ttl=0.3) is False
    assert await kv.get("k") == "first"
    await kv.set("k", "third", ttl=0.3)
    assert await kv.get("k") == "third"
    await asyncio.sleep(0.45)
    assert await kv.get("k") is None
    assert await kv.add("k", "again", ttl=5) is True
    await kv.delete("k")
    assert await kv.get("k") is None


async def test_incr_counts_in_a_fixed_window(kv):
    assert [await kv.incr("c", ttl=0.3) for _ in range(3)] == [1, 2, 3]
    await asyncio.sleep(0.45)
    assert await kv.incr("c", ttl=0.3) == 1


async def test_lock_has_one_holder_at_a_time(kv):
    inside, most = 0, 0

    async def worker():
        nonlocal inside, most
        async with kv.lock("l", ttl=5, wait=5) as held:
            assert held
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)
            inside -= 1

    await asyncio.gather(*(worker() for _ in range(8)))
    assert most == 1


async def test_lock_gives_up_after_waiting(kv):
    async with kv.lock("busy", ttl=5, wait=1) as first:
        assert first
        async with kv.lock("busy", ttl=5, wait=0.2) as second:
            assert second is False


async def test_redis_keys_are_prefixed_and_shared_between_clients(redis_url):
    import redis

    a, b = RedisStore(redis_url), RedisStore(redis_url)
    assert await a.add("shared", "x", ttl=5)
    assert await b.add("shared", "y", ttl=5) is False
    assert redis.Redis.from_url(redis_url).get("gateway:shared") == b"x"
    await a.close()
    await b.close()
