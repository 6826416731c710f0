"""Fixtures of the channel tests: an in-process gateway (Rasa not running: protocol and error paths),
a fake WeChat API process for the API client, and the live stack (tests/channels/live.py)."""
from __future__ import annotations

import httpx
import pytest
import redis

from settings import Settings
from tests.channels import live as live_stack
from tests.channels.wechat_client import (AES_KEY, APPID, MINI_AES_KEY, MINI_APPID, MINI_SECRET, MINI_TOKEN,
                                          SECRET, TOKEN)

TEST_REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_url():
    client = redis.Redis.from_url(TEST_REDIS)
    try:
        client.ping()
    except redis.RedisError as exc:  # never skip: .ci/run starts Redis
        pytest.fail(f"Redis at {TEST_REDIS} does not answer ({exc}); .ci/run starts one")
    client.flushdb()
    yield TEST_REDIS
    client.flushdb()


@pytest.fixture
def channel_index(tmp_path):
    """The suite's small knowledge base with two high-frequency items (the welcome's hot questions)."""
    from knowledge.store import KnowledgeStore
    from knowledge.sync import sync_profile
    from search.index import build_index
    from tests.conftest import MINI_PROFILE, write_profile

    files = dict(MINI_PROFILE)
    items = {"items/ga.yml": "居民身份证补领", "items/rs.yml": "社会保障卡申领"}
    for name, item in items.items():
        anchor = f"          name: {item}\n"
        assert anchor in files[name]
        files[name] = files[name].replace(anchor, anchor + "          high_frequency: true\n")
    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    sync_profile(write_profile(tmp_path / "profile", files), store)
    build_index(store, tmp_path / "index")
    return tmp_path / "index"


def channel_settings(tmp_path, index, **overrides) -> Settings:
    values = dict(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'kb.sqlite3'}", search_index_dir=index,
                  rasa_url="http://127.0.0.1:9", rasa_timeout_seconds=2, wechat_token=TOKEN, wechat_appid=APPID,
                  wechat_aes_key=AES_KEY, miniprogram_token=MINI_TOKEN, miniprogram_appid=MINI_APPID,
                  miniprogram_aes_key=MINI_AES_KEY)
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def gateway(tmp_path, channel_index):
    """The gateway app in this process (Rasa down), reached through httpx's ASGI transport."""
    from gateway.app import create_app

    app = create_app(channel_settings(tmp_path, channel_index))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
        client.app = app
        yield client
    await app.state.wechat.close()


@pytest.fixture(scope="module")
def fake_api(tmp_path_factory):
    proc, url = live_stack.start_fake_wechat_api(tmp_path_factory.mktemp("fake-api") / "fake.log", token_delay=0.3)
    yield live_stack.FakeWeChatApi(url)
    proc.kill()
    proc.wait()


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    instance = live_stack.acquire(tmp_path_factory)
    yield instance
    live_stack.release()


__all__ = ["SECRET", "MINI_SECRET"]
