"""The WeChat endpoints' protocol, in process (Rasa is not running here, so a question gets the
"try again / 12345" answer): verification, signatures (403), safe mode, body limits, safe XML, events,
menu, voice, retries — requests built by wechatpy, as WeChat's servers would send them."""

import asyncio

import pytest

from gateway.channels.chat_service import UNAVAILABLE as UNAVAILABLE_RESPONSE
from gateway.channels.wechat import handler, menu
from knowledge.placeholders import profile_values
from knowledge.responses import render
from tests.channels.test_wire import BILLION_LAUGHS
from tests.channels.wechat_client import (
    ACCOUNT_ID,
    MINI_AES_KEY,
    MINI_APPID,
    MINI_TOKEN,
    WeChatSide,
    event_fields,
    sign,
    text_fields,
    voice_fields,
)


def said(response: str) -> str:
    """A channel response as the test profile renders it (hotline 12345)."""
    return render(response, profile_values({}))


UNAVAILABLE = said(UNAVAILABLE_RESPONSE)
CHOOSE_HINT, UNSUPPORTED, VOICE_UNCLEAR = (
    said(r) for r in (handler.CHOOSE_HINT, handler.UNSUPPORTED, handler.VOICE_UNCLEAR)
)

MODES = [pytest.param(False, id="plain"), pytest.param(True, id="safe")]


@pytest.fixture
def wechat(gateway):
    return WeChatSide(str(gateway.base_url))


def metric(text: str, line: str) -> float:
    for row in text.splitlines():
        if row.startswith(line + " "):
            return float(row.rsplit(" ", 1)[1])
    return 0.0


async def test_url_verification_echoes_only_when_signed(gateway, wechat):
    query = wechat.query()
    ok = await gateway.get("/wechat", params={**query, "echostr": "echo-123"})
    assert ok.status_code == 200 and ok.text == "echo-123"
    bad = await gateway.get("/wechat", params={**query, "signature": "0" * 40, "echostr": "echo-123"})
    assert bad.status_code == 403 and bad.json()["detail"] == "签名校验失败"
    missing = await gateway.get("/wechat", params={"echostr": "x"})
    assert missing.status_code == 403 and "timestamp" in missing.json()["detail"]


async def test_unsigned_or_forged_messages_get_403(gateway, wechat):
    query, body = wechat.build(text_fields("o-forger", "你好"))
    forged = await gateway.post(
        "/wechat", params={**query, "signature": sign("other-token", query["timestamp"], query["nonce"])}, content=body
    )
    assert forged.status_code == 403
    query, body = wechat.build(text_fields("o-forger", "你好"), safe=True)
    bad_msg_signature = await gateway.post("/wechat", params={**query, "msg_signature": "0" * 40}, content=body)
    assert bad_msg_signature.status_code == 403 and bad_msg_signature.json()["detail"] == "签名校验失败"


async def test_message_encrypted_for_another_account_is_refused(gateway, wechat):
    other = WeChatSide(str(gateway.base_url), appid="wx-someone-else")  # same token and key, other AppID
    response = await other.post(gateway, text_fields("o-x", "你好"), safe=True)
    assert response.status_code == 403 and "AppID 不符" in response.json()["detail"]


async def test_xml_bombs_and_oversized_bodies_are_refused(gateway, wechat):
    query = wechat.query()
    bomb = await gateway.post("/wechat", params=query, content=BILLION_LAUGHS)
    assert bomb.status_code == 400 and bomb.json()["detail"].startswith("无法读取微信消息")
    big = await gateway.post("/wechat", params=query, content=b"<xml>" + b"x" * 17000 + b"</xml>")
    assert big.status_code == 413 and "16 KB" in big.json()["detail"]
    no_fields = await gateway.post("/wechat", params=query, content=b"<xml><Content>hi</Content></xml>")
    assert no_fields.status_code == 400 and "ToUserName" in no_fields.json()["detail"]


@pytest.mark.parametrize("safe", MODES)
async def test_subscribe_gets_welcome_hot_questions_and_menu(gateway, wechat, safe):
    reply = wechat.read(await wechat.post(gateway, event_fields("o-new", "subscribe"), safe=safe), safe=safe)
    assert reply["ToUserName"] == "o-new" and reply["FromUserName"] == ACCOUNT_ID and reply["MsgType"] == "text"
    content = reply["Content"]
    assert content.startswith("您好！我是三晋通政务服务智能客服")
    assert "大家都在问：\n1. 补办身份证\n2. 办社保卡\n" in content  # high-frequency items, as citizens say them
    assert CHOOSE_HINT in content and menu.menu_text() in content


@pytest.mark.parametrize("safe", MODES)
async def test_menu_clicks(gateway, wechat, safe):
    async def click(key, at=1_700_000_000):
        fields = event_fields("o-menu", "CLICK", key, create_time=at)
        return wechat.read(await wechat.post(gateway, fields, safe=safe), safe=safe)

    assert (await click(menu.HELP_KEY))["Content"] == said(menu.HELP_TEXT)
    assert (await click(menu.ELDER_KEY))["Content"] == said(menu.ELDER_ON)  # same second, another key: answered
    assert (await click(menu.ELDER_KEY, at=1_700_000_001))["Content"] == said(menu.ELDER_OFF)
    assert (await click("NO_SUCH_KEY"))["Content"] == said(menu.UNKNOWN_KEY)
    assert (await click("GUIDE_IDCARD"))["Content"] == UNAVAILABLE  # asked the bot, which is down here


async def test_voice_image_and_silent_events(gateway, wechat):
    unclear = wechat.read(await wechat.post(gateway, voice_fields("o-v", "")))
    assert unclear["Content"] == VOICE_UNCLEAR
    recognised = wechat.read(await wechat.post(gateway, voice_fields("o-v", "身份证丢了怎么补办。")))
    assert recognised["Content"] == UNAVAILABLE  # went to the bot
    image = {**text_fields("o-v", ""), "MsgType": "image", "PicUrl": "http://x/1.jpg"}
    assert wechat.read(await wechat.post(gateway, image))["Content"] == UNSUPPORTED
    for event in ("unsubscribe", "VIEW", "LOCATION"):
        response = await wechat.post(gateway, event_fields("o-v", event))
        assert response.text == "success"


async def test_retries_of_one_message_get_one_answer(gateway, wechat):
    fields = text_fields("o-retry", "身份证丢了怎么补办")  # same MsgId three times, as WeChat retries
    replies = await asyncio.gather(*[wechat.post(gateway, fields) for _ in range(3)])
    contents = [wechat.read(r)["Content"] for r in replies]
    assert contents == [UNAVAILABLE] * 3
    metrics = (await gateway.get("/metrics")).text
    assert metric(metrics, 'chat_errors_total{channel="wechat",kind="rasa_unavailable"}') == 1.0  # one turn
    assert metric(metrics, 'wechat_duplicates_total{channel="wechat"}') == 2.0
    again = event_fields("o-retry", "subscribe", create_time=1_700_000_000)
    first, second = [wechat.read(await wechat.post(gateway, again)) for _ in range(2)]
    assert first["Content"] == second["Content"]
    assert metric((await gateway.get("/metrics")).text, 'wechat_duplicates_total{channel="wechat"}') == 3.0


async def test_overlong_text_is_refused_politely(gateway, wechat):
    reply = wechat.read(await wechat.post(gateway, text_fields("o-long", "办" * 501)))
    assert reply["Content"] == "消息过长，最多 500 个字，请分几次发送。"


async def test_mini_program_push_replies_success_in_xml_and_json(gateway):
    mini = WeChatSide(str(gateway.base_url), "/wechat/miniprogram", MINI_TOKEN, MINI_APPID, MINI_AES_KEY)
    verify = await gateway.get("/wechat/miniprogram", params={**mini.query(), "echostr": "mini-echo"})
    assert verify.text == "mini-echo"
    for safe in (False, True):
        for as_json in (False, True):
            response = await mini.post(gateway, text_fields("o-mini", "你好"), safe=safe, as_json=as_json)
            assert response.status_code == 200 and response.text == "success"
    forged = await gateway.post("/wechat/miniprogram", params={**mini.query(), "signature": "x"}, content=b"{}")
    assert forged.status_code == 403


async def test_unconfigured_account_is_404(tmp_path, channel_index):
    import httpx

    from gateway.app import create_app
    from tests.channels.conftest import channel_settings

    app = create_app(channel_settings(tmp_path, channel_index, wechat_token=None, miniprogram_token=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        response = await client.post("/wechat", content=b"<xml/>")
        assert response.status_code == 404 and response.json()["detail"] == "未配置公众号（WECHAT_TOKEN）"
        response = await client.get("/wechat/miniprogram")
        assert response.status_code == 404 and "MINIPROGRAM_TOKEN" in response.json()["detail"]


async def test_a_citizen_sending_too_fast_is_told_so_in_the_reply(tmp_path, channel_index):
    import httpx

    from gateway.app import create_app
    from tests.channels.conftest import channel_settings

    app = create_app(channel_settings(tmp_path, channel_index, rate_limit_messages=1))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
        side = WeChatSide("http://gw")
        first = side.read(await side.post(client, text_fields("o-fast", "你好")))
        second = side.read(await side.post(client, text_fields("o-fast", "你好")))
        assert first["Content"] == UNAVAILABLE
        assert second["Content"].startswith("您发送得太快了，请") and second["Content"].endswith("秒后再试。")
    await app.state.wechat.close()
