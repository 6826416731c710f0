"""Fixtures of the channel tests: an in-process gateway (Rasa not running: protocol and error paths),
a fake WeChat API process for the API client, and the live stack (tests/channels/live.py)."""

from __future__ import annotations

import httpx
import pytest
import redis

from devtools.support.ports import unused_url
from devtools.support.processes import stop
from devtools.support.services import suite_redis_url
from settings import Settings
from tests.channels import live as live_stack
from tests.channels.wechat_client import (
    AES_KEY,
    APPID,
    MINI_AES_KEY,
    MINI_APPID,
    MINI_SECRET,
    MINI_TOKEN,
    SECRET,
    TOKEN,
)
from tests.conftest import needs

REDIS_DB = 14  # on the tests' Redis (tests/conftest.py), emptied before and after each test


@pytest.fixture
@needs("redis")
def redis_url():
    url = suite_redis_url(REDIS_DB)
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:  # never skip
        pytest.fail(f"Redis at {url} does not answer ({exc})", pytrace=False)
    client.flushdb()
    yield url
    client.flushdb()


def channel_profile() -> dict:
    """The suite's small knowledge base with two high-frequency items (the welcome's hot questions)."""
    from tests.conftest import MINI_PROFILE

    files = dict(MINI_PROFILE)
    items = {"items/ga.yml": "居民身份证补领", "items/rs.yml": "社会保障卡申领"}
    for name, item in items.items():
        anchor = f"          name: {item}\n"
        assert anchor in files[name]
        files[name] = files[name].replace(anchor, anchor + "          high_frequency: true\n")
    return files


@pytest.fixture(scope="session")
def channel_template(tmp_path_factory):
    from tests.conftest import loaded_template

    return loaded_template(tmp_path_factory.mktemp("channel-template"), channel_profile())


@pytest.fixture
def channel_index(tmp_path, channel_template):
    """channel_profile() loaded into tmp_path/kb.sqlite3 and indexed in tmp_path/index (copies of one load)."""
    from tests.conftest import copy_loaded, write_profile

    write_profile(tmp_path / "profile", channel_profile())
    copy_loaded(channel_template, tmp_path / "kb.sqlite3", tmp_path / "index")
    return tmp_path / "index"


def channel_settings(tmp_path, index, **overrides) -> Settings:
    values = dict(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        search_index_dir=index,
        rasa_url=unused_url(),
        action_server_url=unused_url(),
        application_api_url=unused_url(),
        rasa_timeout_seconds=2,
        wechat_token=TOKEN,
        wechat_appid=APPID,
        wechat_aes_key=AES_KEY,
        miniprogram_token=MINI_TOKEN,
        miniprogram_appid=MINI_APPID,
        miniprogram_aes_key=MINI_AES_KEY,
        # The protocol tests send plain and safe-mode messages to the same accounts; the refusal of plain
        # messages beside an AES key is tested with this off (tests/channels/test_wechat_plain_mode.py).
        wechat_allow_plain=True,
    )
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
@needs("processes")
def fake_api(tmp_path_factory):
    proc, url = live_stack.start_fake_wechat_api(tmp_path_factory.mktemp("fake-api") / "fake.log", token_delay=0.3)
    yield live_stack.FakeWeChatApi(url)
    stop(proc, 5)


@pytest.fixture(scope="session")
@needs("stack", "processes", "redis")
def live(tmp_path_factory):
    instance = live_stack.acquire(tmp_path_factory)
    yield instance
    live_stack.release()


__all__ = ["SECRET", "MINI_SECRET"]
