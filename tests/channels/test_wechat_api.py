"""The WeChat API client against a fake WeChat API server process: one access_token refresh at a time
under the lock (across holders sharing Redis), refreshed when WeChat refuses it, raw UTF-8 bodies."""

import asyncio

import pytest

from gateway.channels.wechat.api import WeChatApi, WeChatApiError
from gateway.kv import MemoryStore, RedisStore
from tests.channels.wechat_client import APPID, SECRET


@pytest.fixture(autouse=True)
def clean(fake_api):
    fake_api.reset()


async def test_two_holders_on_redis_fetch_the_token_once(fake_api, redis_url):
    # Two gateway replicas: separate Redis connections and clients, one shared token in Redis.
    a = WeChatApi(fake_api.url, APPID, SECRET, RedisStore(redis_url))
    b = WeChatApi(fake_api.url, APPID, SECRET, RedisStore(redis_url))
    tokens = await asyncio.gather(*[(a if n % 2 else b).access_token() for n in range(20)])
    assert len(set(tokens)) == 1
    assert len(fake_api.calls()["token_calls"]) == 1  # the fake waits 0.3 s per fetch: a race would show
    for api in (a, b):
        await api.close()
        await api.kv.close()


async def test_memory_store_also_fetches_once(fake_api):
    api = WeChatApi(fake_api.url, APPID, SECRET, MemoryStore())
    tokens = await asyncio.gather(*[api.access_token() for _ in range(10)])
    assert len(set(tokens)) == 1 and len(fake_api.calls()["token_calls"]) == 1
    await api.close()


async def test_send_text_goes_out_as_raw_utf8_and_survives_an_expired_token(fake_api):
    api = WeChatApi(fake_api.url, APPID, SECRET, MemoryStore())
    await api.send_text("o-citizen", "补领居民身份证收取工本费20元。")
    fake_api.expire_tokens()  # WeChat invalidates the token before our cached expiry
    await api.send_text("o-citizen", "第二条")
    calls = fake_api.calls()
    assert [m["body"] for m in calls["messages"]] == [
        {"touser": "o-citizen", "msgtype": "text", "text": {"content": "补领居民身份证收取工本费20元。"}},
        {"touser": "o-citizen", "msgtype": "text", "text": {"content": "第二条"}},
    ]
    assert all(m["raw_utf8"] for m in calls["messages"])
    assert len(calls["token_calls"]) == 2 and calls["messages"][0]["token"] != calls["messages"][1]["token"]
    await api.close()


async def test_wrong_secret_is_a_clear_error(fake_api):
    api = WeChatApi(fake_api.url, APPID, "wrong", MemoryStore())
    with pytest.raises(WeChatApiError, match="40125"):
        await api.send_text("o", "x")
    await api.close()


async def test_unreachable_api_is_a_clear_error():
    api = WeChatApi("http://127.0.0.1:9", APPID, SECRET, MemoryStore())
    with pytest.raises(WeChatApiError, match="获取 access_token 失败"):
        await api.access_token()
    await api.close()


def test_menu_cli_creates_the_menu(fake_api, monkeypatch):
    from gateway.channels.wechat.__main__ import main
    from gateway.channels.wechat.menu import MENU, menu_definition
    from settings import reset_settings_cache

    monkeypatch.setenv("WECHAT_APPID", APPID)
    monkeypatch.setenv("WECHAT_APP_SECRET", SECRET)
    monkeypatch.setenv("WECHAT_API_BASE", fake_api.url)
    monkeypatch.delenv("REDIS_URL", raising=False)
    reset_settings_cache()
    try:
        assert main(["create-menu"]) == 0
    finally:
        reset_settings_cache()
    menus = fake_api.calls()["menus"]
    assert [m["body"] for m in menus] == [menu_definition()]
    assert len(menu_definition()["button"]) == 3 and all(len(g) <= 5 for g in MENU)
