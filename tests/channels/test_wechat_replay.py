"""Issue #17: a WeChat push could be replayed — one request's signature, timestamp and nonce reused with a new
body was accepted, timestamps 0 and 9999999999 were accepted, and the access log kept the signed query string.
WeChat's side is played with wechatpy (tests/channels/wechat_client.py); the gateway runs in this process."""

from __future__ import annotations

import logging
import time

import pytest

from gateway.middleware.logs import JsonFormatter, MaskingFilter
from tests.channels.wechat_client import MINI_AES_KEY, MINI_APPID, MINI_TOKEN, WeChatSide, event_fields, text_fields

SIDES = {
    "wechat": lambda: WeChatSide("http://gateway"),
    "miniprogram": lambda: WeChatSide("http://gateway", "/wechat/miniprogram", MINI_TOKEN, MINI_APPID, MINI_AES_KEY),
}


async def post(gateway, side, query, body):
    return await gateway.post(side.url, params=query, content=body, headers={"Content-Type": "text/xml"})


@pytest.mark.parametrize("channel", list(SIDES))
@pytest.mark.parametrize("safe", [False, True])
async def test_a_signed_query_reused_with_another_body_is_refused(gateway, channel, safe):
    side = SIDES[channel]()
    query, body = side.build(event_fields("o-first", "subscribe"), safe=safe)
    assert (await post(gateway, side, query, body)).status_code == 200
    _, other = side.build(text_fields("o-first", "换了内容的消息"))
    replay = await post(
        gateway, side, {k: v for k, v in query.items() if k not in ("encrypt_type", "msg_signature")}, other
    )
    assert replay.status_code == 403 and "重放" in replay.json()["detail"], replay.text


async def test_wechats_own_retry_of_the_same_body_is_still_answered(gateway):
    side = SIDES["wechat"]()
    query, body = side.build(event_fields("o-retry", "subscribe"))
    first = await post(gateway, side, query, body)
    again = await post(gateway, side, query, body)
    assert first.status_code == 200 and again.status_code == 200, again.text


# Relative ones as offsets, turned into a timestamp when the test runs (a time read at collection would be
# minutes old by then, and inside the window).
@pytest.mark.parametrize("timestamp", ["0", "9999999999", "-400", "+400"])
async def test_a_timestamp_outside_five_minutes_is_refused(gateway, timestamp):
    if timestamp[0] in "+-":
        timestamp = str(int(time.time()) + int(timestamp))
    side = SIDES["wechat"]()
    query, body = side.build(event_fields("o-old", "subscribe"))
    query = side.query(timestamp=timestamp)
    response = await post(gateway, side, query, body)
    assert response.status_code == 403 and "timestamp" in response.json()["detail"], response.text
    verify = await gateway.get(side.url, params={**side.query(timestamp=timestamp), "echostr": "x"})
    assert verify.status_code == 403, verify.text


async def test_a_timestamp_inside_the_window_is_accepted(gateway):
    side = SIDES["wechat"]()
    _, body = side.build(event_fields("o-skew", "subscribe"))
    query = side.query(timestamp=str(int(time.time()) - 200))
    assert (await post(gateway, side, query, body)).status_code == 200


def test_the_signed_query_string_never_reaches_the_log():
    # What uvicorn's access logger writes for a push: '%s - "%s %s HTTP/%s" %d'.
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1:5000",
            "POST",
            "/wechat?signature=0123abcd&timestamp=1700000000"
            "&nonce=n0nce42&openid=o-1&encrypt_type=aes&msg_signature=feedbeef",
            "1.1",
            200,
        ),
        None,
    )
    MaskingFilter().filter(record)
    line = JsonFormatter().format(record)
    for secret in ("0123abcd", "n0nce42", "feedbeef"):
        assert secret not in line, line
    assert "signature=" in line and "/wechat" in line
