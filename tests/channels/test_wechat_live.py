"""WeChat channels through the real processes (gateway → Rasa → action server → index), with Redis, and a
fake WeChat API process standing in for WeChat's servers. Requests are built by wechatpy."""

import asyncio
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis

from devtools.support.waiting import wait_until
from gateway.channels.messages import plain_text
from gateway.channels.wechat import handler
from gateway.channels.wechat.split import split_utf8
from knowledge.responses import render
from tests.channels.wechat_client import (
    APPID,
    MINI_AES_KEY,
    MINI_APPID,
    MINI_TOKEN,
    WeChatSide,
    event_fields,
    text_fields,
    voice_fields,
)

pytestmark = [pytest.mark.stack, pytest.mark.redis]
MODES = [pytest.param(False, id="plain"), pytest.param(True, id="safe")]


def openid() -> str:
    return "o-" + uuid.uuid4().hex[:12]


def api_chat(live, text: str) -> dict:
    response = httpx.post(
        live.gateway + "/api/chat", json={"sender_id": "u-" + uuid.uuid4().hex[:8], "text": text}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response.json()


def wechat_text(body: dict) -> str:
    """What the WeChat channel must send for this /api/chat reply (all of it, before splitting)."""
    text = plain_text(body["messages"])
    return text + ("\n" + render(handler.CHOOSE_HINT, {}) if any(m.get("buttons") for m in body["messages"]) else "")


def post(side: WeChatSide, fields: dict, safe: bool = False, **kw) -> httpx.Response:
    with httpx.Client(timeout=30) as client:
        return side.post(client, fields, safe=safe, **kw)


def turn_sources(live, sender: str, timeout: float = 10.0) -> list:
    turns = wait_until(
        lambda: [e for e in live.gateway_log_events("chat_turn") if e.get("sender") == sender],
        timeout,
        f"a chat_turn log line for {sender}",
        interval=0.2,
    )
    return turns[-1]["sources"]


def metric(gateway: str, sample: str) -> float:
    body = httpx.get(gateway + "/metrics", timeout=10).text
    found = re.search("^" + re.escape(sample) + r" (\S+)$", body, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize("safe", MODES)
def test_same_question_same_answer_and_sources_as_the_chat_api(live, safe):
    question = "身份证丢了怎么补办"
    expected = api_chat(live, question)
    assert expected["sources"][0] == {"type": "item", "id": "ga-idcard-reissue", "title": "居民身份证补领"}
    side = WeChatSide(live.gateway)
    user = openid()
    reply = side.read(post(side, text_fields(user, question), safe), safe)
    parts = split_utf8(wechat_text(expected))
    assert reply["Content"] == parts[0]
    assert reply["ToUserName"] == user and reply["MsgType"] == "text"
    assert turn_sources(live, f"wechat:{user}") == [f"{s['type']}:{s['id']}" for s in expected["sources"]]


def test_voice_uses_the_recognition_text(live):
    expected = api_chat(live, "社保卡怎么办理")
    side = WeChatSide(live.gateway)
    user = openid()
    reply = side.read(post(side, voice_fields(user, "社保卡怎么办理")))
    assert reply["Content"] == split_utf8(wechat_text(expected))[0]
    assert live.user_texts(f"wechat:{user}") == ["社保卡怎么办理"]


@pytest.mark.parametrize("safe", MODES)
def test_retries_of_one_message_get_one_answer(live, safe):
    side = WeChatSide(live.gateway)
    user = openid()
    fields = text_fields(user, "居住证怎么办")  # WeChat's retries carry the same MsgId
    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(lambda _: post(side, fields, safe), range(3)))
    contents = {side.read(r, safe).get("Content") for r in responses}
    assert len(contents) == 1 and None not in contents  # the same passive reply to every delivery
    assert live.user_texts(f"wechat:{user}") == ["居住证怎么办"]  # Rasa saw the question once


def test_typed_slash_text_never_reaches_rasa_as_an_intent(live):
    side = WeChatSide(live.gateway)
    user = openid()
    for text in ("/goodbye", '/greet{"region": "太原市"}', "  /thank"):
        post(side, text_fields(user, text))
    events = live.user_events(f"wechat:{user}")
    assert [e["text"] for e in events] == ["／goodbye", '／greet{"region": "太原市"}', "／thank"]
    assert all(e["parse_data"]["intent"]["confidence"] < 1.0 for e in events)


def test_numbered_hot_question_after_subscribe(live):
    side = WeChatSide(live.gateway)
    user = openid()
    welcome = side.read(post(side, event_fields(user, "subscribe")))["Content"]
    first = welcome.split("大家都在问：\n1. ", 1)[1].split("\n", 1)[0]
    assert first and "底部菜单" in welcome
    answer = side.read(post(side, text_fields(user, "1")))["Content"]
    assert live.user_texts(f"wechat:{user}") == [first]
    assert answer == split_utf8(wechat_text(api_chat(live, first)))[0]


def test_menu_click_asks_the_bot(live):
    side = WeChatSide(live.gateway)
    user = openid()
    reply = side.read(post(side, event_fields(user, "CLICK", "GUIDE_IDCARD")))
    assert reply["Content"] == split_utf8(wechat_text(api_chat(live, "身份证丢了怎么补办")))[0]


def test_elder_mode_from_the_menu_reaches_the_bot(live):
    side = WeChatSide(live.gateway)
    user = openid()
    assert side.read(post(side, event_fields(user, "CLICK", "ELDER_MODE")))["Content"].startswith("已为您打开长辈模式")
    post(side, text_fields(user, "社保卡怎么办理"))
    events = live.user_events(f"wechat:{user}")
    assert [(e["text"], e["metadata"]["elder_mode"], e["metadata"]["channel"]) for e in events] == [
        ("社保卡怎么办理", True, "wechat")
    ]


def test_long_guide_is_split_by_bytes_and_the_rest_pushed(live):
    question = "二手房过户怎么办理"
    expected = api_chat(live, question)
    assert expected["sources"][0]["id"] == "bdc-transfer-secondhand"
    full = wechat_text(expected)
    assert len(full.encode("utf-8")) > 2047  # the premise: one passive reply cannot hold it
    side = WeChatSide(live.gateway)
    user = openid()
    passive = side.read(post(side, text_fields(user, question)))["Content"]
    assert 1500 < len(passive.encode("utf-8")) <= 2047
    pushed = live.fake.wait_messages_to(user, len(split_utf8(full)) - 1)
    rest = [m["body"]["text"]["content"] for m in pushed]
    assert all(len(part.encode("utf-8")) <= 2047 for part in rest)
    assert "\n".join([passive] + rest) == full


def test_late_answers_go_through_customer_service_with_one_token(live):
    # Two gateway replicas whose deadline is 0 s: every answer is late. Their token cache is empty and the
    # fake hands out tokens slowly, so without the Redis lock both would fetch one.
    redis.Redis.from_url(live.redis_url).delete(f"gateway:wechat:access_token:{APPID}")
    live.fake.reset()
    expected = split_utf8(wechat_text(api_chat(live, "社保卡怎么办理")))
    users = [openid() for _ in range(6)]
    sides = [WeChatSide(url) for url in live.late_gateways]

    async def send_all():
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(
                *[sides[n % 2].post(client, text_fields(u, "社保卡怎么办理")) for n, u in enumerate(users)]
            )

    responses = asyncio.run(send_all())
    assert [(r.status_code, r.text) for r in responses] == [(200, "success")] * 6
    for user in users:
        assert [m["body"]["text"]["content"] for m in live.fake.wait_messages_to(user, len(expected))] == expected
    calls = live.fake.calls()
    assert [c["appid"] for c in calls["token_calls"]] == [APPID]
    assert len({m["token"] for m in calls["messages"]}) == 1


def test_late_retries_are_answered_once(live):
    side = WeChatSide(live.late_gateways[0])
    duplicates = 'wechat_duplicates_total{channel="wechat"}'
    before = metric(live.late_gateways[0], duplicates)
    user = openid()
    fields = text_fields(user, "居住证怎么办")
    first = post(side, fields)
    retry = post(side, fields)
    assert (first.text, retry.text) == ("success", "success")
    # The retry's "success" came after the gateway had taken it for a duplicate (counted): it starts no answer
    # of its own, so once the first answer's parts are all there nothing more can come.
    assert metric(live.late_gateways[0], duplicates) - before == 1
    expected = split_utf8(wechat_text(api_chat(live, "居住证怎么办")))
    assert len(live.fake.wait_messages_to(user, len(expected))) == len(expected)
    assert len(live.fake.messages_to(user)) == len(expected)  # not twice
    assert live.user_texts(f"wechat:{user}") == ["居住证怎么办"]


@pytest.mark.parametrize("safe, as_json", [(False, False), (True, True), (False, True), (True, False)])
def test_mini_program_answers_through_customer_service(live, safe, as_json):
    side = WeChatSide(live.gateway, "/wechat/miniprogram", MINI_TOKEN, MINI_APPID, MINI_AES_KEY)
    user = openid()
    response = post(side, text_fields(user, "社保卡怎么办理"), safe, as_json=as_json)
    assert response.status_code == 200 and response.text == "success"
    expected = split_utf8(wechat_text(api_chat(live, "社保卡怎么办理")))
    pushed = live.fake.wait_messages_to(user, len(expected))
    assert [m["body"]["text"]["content"] for m in pushed] == expected
    assert all(m["token"].startswith(f"token-{MINI_APPID}-") for m in pushed)
    assert live.user_texts(f"miniprogram:{user}") == ["社保卡怎么办理"]


def test_gateway_logs_mask_id_numbers_and_phones(live):
    text = "我的身份证号110101199003071234，电话13812345678，身份证丢了怎么补办"
    response = httpx.post(
        live.gateway + "/api/chat",
        json={"sender_id": "u-pii", "text": text},
        headers={"X-Request-ID": "req-pii-000001"},
        timeout=60,
    )
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "req-pii-000001"
    side = WeChatSide(live.gateway)
    post(side, text_fields(openid(), text))
    turns = wait_until(
        lambda: (lambda found: found if len(found) >= 2 else None)(
            [e for e in live.gateway_log_events("chat_turn") if "110***********1234" in e.get("text", "")]
        ),
        10,
        "both chat turns logged",
        interval=0.2,
    )
    assert {e["channel"] for e in turns} == {"app", "wechat"}
    assert any(
        e.get("request_id") == "req-pii-000001"
        and e["text"].startswith("我的身份证号110***********1234，电话138****5678")
        for e in turns
    )
    log = (live.stack.workdir / "logs" / "gateway.log").read_text(encoding="utf-8")
    assert "110101199003071234" not in log and "13812345678" not in log


def test_metrics_of_the_running_gateway(live):
    body = httpx.get(live.gateway + "/metrics", timeout=10).text
    assert 'chat_turn_duration_seconds_count{channel="wechat"}' in body
    assert 'chat_turn_duration_seconds_count{channel="miniprogram"}' in body
    assert 'wechat_duplicates_total{channel="wechat"}' in body
    assert json.loads(httpx.get(live.gateway + "/healthz", timeout=10).text)["status"] == "ok"
