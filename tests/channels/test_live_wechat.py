"""转人工 from WeChat on the real processes (gateway → Rasa → action server), with Redis and the fake WeChat API
process: a citizen of the Official Account (or the mini-program) is handed to an agent, whose words reach them
as customer-service messages — only within WeChat's 48 hours since the citizen's last message; while the
agent has the conversation the bot says nothing; after it, the citizen rates the service and the bot answers
again. Requests are signed and built by wechatpy (tests/channels/wechat_client.py)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from devtools.support.waiting import wait_until
from gateway.channels.messages import buttons_text, plain_text
from gateway.channels.wechat import handler
from gateway.channels.wechat.split import split_utf8
from knowledge.responses import render
from tests.channels.live_desk import ALWAYS, Console, age_last_citizen_message, hours_restored
from tests.channels.wechat_client import (
    APPID,
    MINI_AES_KEY,
    MINI_APPID,
    MINI_TOKEN,
    WeChatSide,
    text_fields,
)

pytestmark = [pytest.mark.stack, pytest.mark.redis]

AGENT = "周坐席"
TAKEN = f"人工客服{AGENT}为您服务，请问有什么可以帮您？"
CLOSED = "本次人工服务已结束，回到智能客服。请为本次人工服务评价："
RATING_PROMPT = buttons_text(CLOSED, [{"title": t} for t in ("满意", "基本满意", "不满意")])
WINDOW_PASSED = "未送达：已超过微信 48 小时客服消息时限，请改用电话等方式联系"


@pytest.fixture
def hours(live):
    with hours_restored(live.gateway) as put:
        yield put


@pytest.fixture
def agent(live):
    console = Console(live.gateway, AGENT)
    yield console
    console.leave()


def openid() -> str:
    return "o-" + uuid.uuid4().hex[:12]


def post(side: WeChatSide, fields: dict, safe: bool = False, **kw) -> httpx.Response:
    with httpx.Client(timeout=30) as client:
        return side.post(client, fields, safe=safe, **kw)


def cs_texts(live, user: str, count: int):
    """The texts of the first `count` customer-service messages to `user` (waits for them)."""
    return [m["body"]["text"]["content"] for m in live.fake.wait_messages_to(user, count)]


def bot_answer(live, question: str) -> list:
    """The parts the WeChat channel sends for the bot's answer to this question (asked by a fresh /api/chat
    user): the first is the passive reply, the rest go as customer-service messages."""
    response = httpx.post(
        live.gateway + "/api/chat", json={"sender_id": "u-" + uuid.uuid4().hex[:8], "text": question}, timeout=60
    )
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    text = plain_text(messages)
    if any(m.get("buttons") for m in messages):
        text += "\n" + render(handler.CHOOSE_HINT, {})
    return split_utf8(text)


def hand_over(live, side: WeChatSide, user: str, agent: Console) -> int:
    """The Official Account user asks for a person: the passive reply is the queue's notice; the session's id."""
    reply = side.read(post(side, text_fields(user, "我要转人工")))
    assert reply["ToUserName"] == user
    assert reply["Content"].startswith("正在为您转接") and "人工客服，您前面还有" in reply["Content"]
    assert "发送“取消”回到智能客服" in reply["Content"]
    session = agent.waiting_of(f"wechat:{user}")
    assert session["channel"] == "wechat"
    return session["id"]


def test_an_official_account_user_talks_with_an_agent_then_rates_and_the_bot_answers_again(live, hours, agent):
    hours(ALWAYS)
    side = WeChatSide(live.gateway)
    user = openid()
    session_id = hand_over(live, side, user, agent)
    assert live.fake.messages_to(user) == []  # the notice was the passive reply

    assert agent.take(session_id)["status"] == "active"
    assert cs_texts(live, user, 1) == [TAKEN]
    sent = agent.say(session_id, "您好，补办身份证请带户口簿到户籍所在地派出所。")
    assert sent["delivery"] == "wechat" and sent["delivery_name"] == "已通过微信客服消息送达"
    pushed = live.fake.wait_messages_to(user, 2)
    assert pushed[1]["body"] == {
        "touser": user,
        "msgtype": "text",
        "text": {"content": f"【人工客服{AGENT}】您好，补办身份证请带户口簿到户籍所在地派出所。"},
    }
    assert all(m["token"].startswith(f"token-{APPID}-") for m in pushed)

    question = "身份证丢了怎么补办"  # a question the bot would answer: now it is for the agent
    assert side.read(post(side, text_fields(user, question))) == {}  # `success`: the bot says nothing
    detail = agent.detail(session_id)
    assert [m["text"] for m in detail["messages"] if m["author"] == "citizen"] == [question]
    assert live.user_texts(f"wechat:{user}")[-1] == question  # Rasa's paused tracker logs it

    assert agent.close(session_id)["status"] == "closed"
    assert cs_texts(live, user, 3) == [TAKEN, pushed[1]["body"]["text"]["content"], RATING_PROMPT]
    rated = side.read(post(side, text_fields(user, "1")))  # the first choice: 满意
    assert rated["Content"] == "感谢您的评价！还有什么可以帮您？"
    assert agent.detail(session_id)["rating"] == 5

    answered = side.read(post(side, text_fields(user, question)))
    parts = bot_answer(live, question)
    assert answered["Content"] == parts[0]
    assert cs_texts(live, user, 3 + len(parts) - 1)[3:] == parts[1:]  # the rest of the bot's answer
    assert len(live.fake.messages_to(user)) == 3 + len(parts) - 1  # and nothing else


def test_after_48_hours_of_silence_the_agent_s_reply_is_not_sent_and_the_console_says_why(live, hours, agent):
    hours(ALWAYS)
    side = WeChatSide(live.gateway)
    user = openid()
    session_id = hand_over(live, side, user, agent)
    agent.take(session_id)
    assert cs_texts(live, user, 1) == [TAKEN]

    age_last_citizen_message(live.stack.env["DATABASE_URL"], session_id, 49)
    late = agent.say(session_id, "您好，请问还需要帮助吗？")
    assert late["delivery"] == "wechat_window_passed"
    assert late["delivery_name"] == WINDOW_PASSED
    shown = [m for m in agent.detail(session_id)["messages"] if m["author"] == "agent"]
    assert [(m["text"], m["delivery"], m["delivery_name"]) for m in shown] == [
        ("您好，请问还需要帮助吗？", "wechat_window_passed", WINDOW_PASSED)
    ]

    age_last_citizen_message(live.stack.env["DATABASE_URL"], session_id, 47)  # still inside the window
    inside = agent.say(session_id, "我们随时在线。")
    assert inside["delivery"] == "wechat"
    assert cs_texts(live, user, 2) == [TAKEN, f"【人工客服{AGENT}】我们随时在线。"]
    assert len(live.fake.messages_to(user)) == 2  # the reply outside the window never went to WeChat

    age_last_citizen_message(live.stack.env["DATABASE_URL"], session_id, 49)
    assert side.read(post(side, text_fields(user, "还在吗"))) == {}  # the citizen writes: the window opens again
    assert agent.say(session_id, "在的。")["delivery"] == "wechat"
    assert cs_texts(live, user, 3)[2] == f"【人工客服{AGENT}】在的。"
    agent.close(session_id)


@pytest.mark.parametrize("safe, as_json", [(True, True), (False, False)])
def test_a_mini_program_user_hears_the_agent_through_customer_service_messages(live, hours, agent, safe, as_json):
    hours(ALWAYS)
    side = WeChatSide(live.gateway, "/wechat/miniprogram", MINI_TOKEN, MINI_APPID, MINI_AES_KEY)
    user = openid()
    response = post(side, text_fields(user, "我要转人工"), safe, as_json=as_json)
    assert response.status_code == 200 and response.text == "success"  # the mini-program answers by API only
    notice = cs_texts(live, user, 1)[0]
    assert notice.startswith("正在为您转接") and "人工客服，您前面还有" in notice
    session = agent.waiting_of(f"miniprogram:{user}")
    assert session["channel"] == "miniprogram"

    agent.take(session["id"])
    sent = agent.say(session["id"], "您好，请把小程序里的报错截图描述一下。")
    assert sent["delivery"] == "wechat"
    pushed = live.fake.wait_messages_to(user, 3)
    assert [m["body"]["text"]["content"] for m in pushed] == [
        notice,
        TAKEN,
        f"【人工客服{AGENT}】您好，请把小程序里的报错截图描述一下。",
    ]
    assert all(m["token"].startswith(f"token-{MINI_APPID}-") for m in pushed)

    assert post(side, text_fields(user, "提交时提示网络错误"), safe, as_json=as_json).text == "success"
    citizen = wait_until(  # the mini-program's turn runs after the `success`
        lambda: [m["text"] for m in agent.detail(session["id"])["messages"] if m["author"] == "citizen"],
        20,
        "the citizen's message in the session",
        interval=0.2,
    )
    assert citizen == ["提交时提示网络错误"]
    agent.close(session["id"])
    assert cs_texts(live, user, 4)[3] == RATING_PROMPT
