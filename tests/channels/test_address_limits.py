"""Issue #17: the rate limit was per sender_id only (a client rotating ids was unlimited) and /api/search had
none. Now both are also limited per client address; behind a reverse proxy the address comes from
X-Forwarded-For only when the proxy is configured as trusted (TRUSTED_PROXIES)."""

from __future__ import annotations

import httpx
import pytest

from gateway.client_address import client_address, parse_networks
from tests.channels.conftest import channel_settings

PROXIES = parse_networks("10.0.0.5, 192.168.0.0/16")


def test_without_trusted_proxies_the_peer_is_the_address_whatever_the_header_says():
    assert client_address("203.0.113.7", "198.51.100.1", []) == "203.0.113.7"
    assert client_address("203.0.113.7", "198.51.100.1", PROXIES) == "203.0.113.7"  # peer is not a proxy


def test_a_trusted_proxy_s_forwarded_address_is_used_and_spoofed_hops_before_it_are_not():
    assert client_address("10.0.0.5", "198.51.100.1", PROXIES) == "198.51.100.1"
    # the client sent its own X-Forwarded-For "1.2.3.4"; the proxy appended the real peer
    assert client_address("10.0.0.5", "1.2.3.4, 198.51.100.1", PROXIES) == "198.51.100.1"
    # two trusted proxies in a row
    assert client_address("10.0.0.5", "198.51.100.1, 192.168.3.3", PROXIES) == "198.51.100.1"
    # garbage instead of an address stops the walk at the last known hop
    assert client_address("10.0.0.5", "<script>", PROXIES) == "10.0.0.5"
    assert client_address("::1", None, parse_networks("::1")) == "::1"


def test_a_wrong_trusted_proxy_entry_is_a_clear_error():
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_networks("10.0.0.1, proxy.example")


async def _client(tmp_path, index, **overrides):
    from gateway.app import create_app

    app = create_app(channel_settings(tmp_path, index, **overrides))
    return app, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 5000)), base_url="http://gw"
    )


async def test_rotating_sender_ids_does_not_escape_the_address_limit(tmp_path, channel_index):
    app, client = await _client(tmp_path, channel_index, rate_limit_messages=2, rate_limit_address_messages=3)
    async with client:
        statuses = [
            (await client.post("/api/chat", json={"sender_id": f"rotating-{n}", "text": "你好"})).status_code
            for n in range(4)
        ]
    await app.state.wechat.close()
    assert statuses[:3] == [503, 503, 503]  # Rasa is not running here: these reach for it
    assert statuses[3] == 429


async def test_search_is_limited_per_address_with_a_chinese_message(tmp_path, channel_index):
    app, client = await _client(tmp_path, channel_index, rate_limit_search_requests=2)
    async with client:
        statuses = [(await client.get("/api/search", params={"q": "身份证"})).status_code for _ in range(2)]
        refused = await client.get("/api/search/suggest", params={"q": "shen"})
        metrics = (await client.get("/metrics")).text
    await app.state.wechat.close()
    assert statuses == [200, 200]
    assert refused.status_code == 429 and "请求太多" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert 'chat_rate_limited_total{channel="address_search"} 1.0' in metrics


async def test_the_live_chat_pull_has_its_own_polling_sized_address_limit_and_is_never_cached(tmp_path, channel_index):
    app, client = await _client(tmp_path, channel_index, rate_limit_address_events=3, rate_limit_search_requests=1)
    async with client:
        pulls = [await client.get(f"/api/chat/pull-{n}/events") for n in range(3)]
        refused = await client.get("/api/chat/pull-9/events")
        search = await client.get("/api/search", params={"q": "身份证"})  # a window of its own
    await app.state.wechat.close()
    assert [p.status_code for p in pulls] == [200, 200, 200]
    assert pulls[0].json()["tickets_open"] == 0 and pulls[0].json()["live"] is None
    assert all(p.headers["Cache-Control"] == "no-store" for p in pulls)
    assert refused.status_code == 429 and "请求太多" in refused.json()["detail"]
    assert search.status_code == 200


async def test_behind_a_trusted_proxy_each_citizen_has_its_own_window(tmp_path, channel_index):
    from gateway.app import create_app

    app = create_app(
        channel_settings(tmp_path, channel_index, rate_limit_search_requests=1, trusted_proxies="10.0.0.5")
    )
    transport = httpx.ASGITransport(app=app, client=("10.0.0.5", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        first = await client.get("/api/search", params={"q": "社保"}, headers={"X-Forwarded-For": "198.51.100.1"})
        other = await client.get("/api/search", params={"q": "社保"}, headers={"X-Forwarded-For": "198.51.100.2"})
        again = await client.get("/api/search", params={"q": "社保"}, headers={"X-Forwarded-For": "198.51.100.1"})
    await app.state.wechat.close()
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


@pytest.mark.parametrize(
    "sender", ["wechat:o-victim", "miniprogram:o-victim", "WeChat:o-victim", "ｗｅｃｈａｔ:o-victim"]
)
async def test_a_chat_client_cannot_take_a_wechat_user_s_sender_id(tmp_path, channel_index, sender):
    app, client = await _client(tmp_path, channel_index)
    async with client:
        response = await client.post("/api/chat", json={"sender_id": sender, "text": "我刚才问了什么"})
    await app.state.wechat.close()
    assert response.status_code == 422 and "sender_id" in response.json()["detail"], response.text


async def test_ordinary_sender_ids_with_a_colon_still_work(tmp_path, channel_index):
    app, client = await _client(tmp_path, channel_index)
    async with client:
        response = await client.post("/api/chat", json={"sender_id": "app:u-123", "text": "你好"})
    await app.state.wechat.close()
    assert response.status_code == 503  # reached the (absent) Rasa: not refused as a forged id
