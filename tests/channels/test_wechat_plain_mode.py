"""Issue #17: with an EncodingAESKey configured the account is in safe mode, yet plain-mode messages were
accepted — anybody who knows the token could post unencrypted messages. Now refused (403) unless the operator
sets WECHAT_ALLOW_PLAIN for a migration. WeChat's side is played with wechatpy (tests/channels/wechat_client.py)."""

from __future__ import annotations

import httpx
import pytest

from tests.channels.conftest import channel_settings
from tests.channels.wechat_client import MINI_AES_KEY, MINI_APPID, MINI_TOKEN, WeChatSide, event_fields

SIDES = {
    "wechat": lambda: WeChatSide("http://gateway"),
    "miniprogram": lambda: WeChatSide("http://gateway", "/wechat/miniprogram", MINI_TOKEN, MINI_APPID, MINI_AES_KEY),
}


async def _gateway(tmp_path, index, **overrides):
    from gateway.app import create_app

    app = create_app(channel_settings(tmp_path, index, **overrides))
    return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def _post(client, side, safe):
    query, body = side.build(event_fields("o-plain", "subscribe"), safe=safe)
    return await client.post(side.url, params=query, content=body, headers={"Content-Type": "text/xml"})


@pytest.mark.parametrize("channel", list(SIDES))
async def test_plain_messages_are_refused_when_an_aes_key_is_configured(tmp_path, channel_index, channel):
    app, client = await _gateway(tmp_path, channel_index, wechat_allow_plain=False)
    async with client:
        side = SIDES[channel]()
        plain = await _post(client, side, safe=False)
        safe = await _post(client, side, safe=True)
    await app.state.wechat.close()
    assert plain.status_code == 403 and "安全模式" in plain.json()["detail"], plain.text
    assert safe.status_code == 200, safe.text


async def test_plain_messages_pass_when_the_operator_allows_them(tmp_path, channel_index):
    app, client = await _gateway(tmp_path, channel_index, wechat_allow_plain=True)
    async with client:
        response = await _post(client, SIDES["wechat"](), safe=False)
    await app.state.wechat.close()
    assert response.status_code == 200, response.text


async def test_plain_messages_pass_on_an_account_without_an_aes_key(tmp_path, channel_index):
    app, client = await _gateway(tmp_path, channel_index, wechat_aes_key=None, wechat_allow_plain=False)
    async with client:
        response = await _post(client, SIDES["wechat"](), safe=False)
    await app.state.wechat.close()
    assert response.status_code == 200, response.text
