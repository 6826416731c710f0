"""Per-user rate limits: counted in the shared store, refused with a clear Chinese message."""

from devtools.support.ports import unused_url
from gateway.kv import MemoryStore, RedisStore
from gateway.middleware.rate_limit import RateLimiter


async def test_limit_per_user_and_window():
    limiter = RateLimiter(MemoryStore(), limit=3, window_seconds=60)
    now = 1_699_999_990.0  # 10 s into a window (1_699_999_980 is a multiple of 60)
    assert [(await limiter.hit("u1", now)).allowed for _ in range(4)] == [True, True, True, False]
    refused = await limiter.hit("u1", now)
    assert refused.retry_after == 50
    assert (await limiter.hit("u2", now)).allowed  # another user is not affected
    assert (await limiter.hit("u1", now + 50)).allowed  # next window


async def test_replicas_count_together_in_redis(redis_url):
    a = RateLimiter(RedisStore(redis_url), limit=4, window_seconds=60)
    b = RateLimiter(RedisStore(redis_url), limit=4, window_seconds=60)
    results = [(await (a if n % 2 else b).hit("shared-user", 1_700_000_000.0)).allowed for n in range(6)]
    assert results == [True, True, True, True, False, False]


async def test_a_failing_store_lets_messages_through():
    limiter = RateLimiter(RedisStore(unused_url("redis") + "/0", socket_timeout=0.2), limit=1, window_seconds=60)
    assert (await limiter.hit("u")).allowed and (await limiter.hit("u")).allowed


async def test_chat_api_answers_429_in_chinese(tmp_path, channel_index):
    import httpx

    from gateway.app import create_app
    from tests.channels.conftest import channel_settings

    app = create_app(channel_settings(tmp_path, channel_index, rate_limit_messages=2))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        statuses = [
            (await client.post("/api/chat", json={"sender_id": "fast", "text": "你好"})).status_code for _ in range(2)
        ]
        assert statuses == [503, 503]  # Rasa is not running here: the first two reach for it
        refused = await client.post("/api/chat", json={"sender_id": "fast", "text": "你好"})
        assert refused.status_code == 429
        assert refused.json()["detail"].startswith("您发送得太快了，请") and refused.json()["detail"].endswith(
            "秒后再试。"
        )
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        other = await client.post("/api/chat", json={"sender_id": "calm", "text": "你好"})
        assert other.status_code == 503
        metrics = (await client.get("/metrics")).text
        assert 'chat_rate_limited_total{channel="app"} 1.0' in metrics
    await app.state.wechat.close()
