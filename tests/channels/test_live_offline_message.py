"""离线留言 on the real processes (gateway → Rasa → action server, the reference application API): outside the
service hours a citizen of the app or web page (`/api/chat`) who asks for a person is offered a message,
leaves one and a phone, and gets a ticket number; an agent answers it from the console; the answer reaches a
citizen who is still looking at the chat by their pull (`GET /api/chat/{sender}/events`), and one who left
through the platform's message push (the reference server's `POST /messages`), once; "取消" returns to the bot.
And when every agent's console goes silent while a citizen waits, the gateways' sweep turns the wait into a
离线留言 with what the citizen wrote, tells the citizen, and gives the conversation back to the bot."""

from __future__ import annotations

import random
import re
import uuid

import httpx
import pytest

from devtools.support.waiting import wait_until
from tests.channels.live_desk import ALWAYS, Console, closed_today, hours_restored, silence_every_console

pytestmark = [pytest.mark.stack, pytest.mark.redis]

ASK_MESSAGE = "请直接发送您要咨询的问题，说得越具体越好（不要发送身份证号等个人证件号码）。发送“取消”回到智能客服。"
ASK_CONTACT = "请留下联系电话，工作人员答复时可能需要联系您；不想留请回复“不留”。"
CANCELLED = "已取消转人工，回到智能客服。请问还有什么可以帮您？"
MESSAGE = "我想咨询居住证续签要带哪些材料，我的身份证号是110101199003071234"
MASKED = "我想咨询居住证续签要带哪些材料，我的身份证号是110***********1234"
RECEIVED = re.compile(r"^留言已收到（编号 (\d+)）。工作人员答复后会发到这里，留了电话的也可能电话联系您。$")


@pytest.fixture
def closed(live):
    """Service hours on one day that is not today; the hours in force before come back afterwards."""
    config, told = closed_today()
    with hours_restored(live.gateway) as put:
        put(config)
        yield told


@pytest.fixture
def agent(live):
    console = Console(live.gateway, "吴坐席")
    yield console
    console.leave()


def conversation(live):
    """say(text) in one new `/api/chat` conversation; say.sender is its sender id."""
    sender = "live-msg-" + uuid.uuid4().hex[:10]

    def say(text: str) -> dict:
        response = httpx.post(live.gateway + "/api/chat", json={"sender_id": sender, "text": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    say.sender = sender
    return say


def new_phone() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def pull(live, sender: str, after: int = 0) -> dict:
    response = httpx.get(f"{live.gateway}/api/chat/{sender}/events", params={"after": after}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def pushed_to(live, phone: str) -> list:
    response = httpx.get(live.stack.application_api + "/messages", params={"phone": phone}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def leave_message(live, say, told: str, phone: str) -> int:
    """转人工 outside the hours → the offer naming them → 留言 → the message → the phone: the ticket's number."""
    offer = say("转人工")["messages"][0]
    assert offer["type"] == "handoff" and offer["live"] == {"status": "offline_message"}
    assert f"现在不是在线人工客服的服务时间（{told}）。" in offer["text"]
    assert offer["text"].endswith("需要的话可以给工作人员留言，上班后会尽快答复：请回复“留言”。")
    asked = say("留言")
    assert asked["messages"] == [{"type": "text", "text": ASK_MESSAGE}] and asked["intent"]["name"] == "live_chat"
    assert say(MESSAGE)["messages"] == [{"type": "text", "text": ASK_CONTACT}]
    received = say(phone)
    found = RECEIVED.match(received["messages"][0]["text"])
    assert found, received
    number = int(found.group(1))
    assert received["live"] == {"ticket_id": number, "status": "open"}
    return number


def test_a_message_left_out_of_hours_is_answered_on_the_chat_the_citizen_still_looks_at(live, closed, agent):
    say, phone = conversation(live), new_phone()
    number = leave_message(live, say, closed, phone)

    ticket = agent.ticket(number)
    assert ticket is not None, agent.tickets()
    assert (ticket["kind"], ticket["status"], ticket["channel"]) == ("ticket", "open", "app")
    assert ticket["message"] == MASKED and "110101199003071234" not in str(ticket)
    assert ticket["contact"] == phone and ticket["answer"] is None

    seen = pull(live, say.sender)  # the citizen's page polls
    assert seen["events"] == [] and seen["live"] is None
    answer = agent.answer(number, "居住证续签请带身份证、居住证原件和近期一寸照片。")
    assert answer.status_code == 201, answer.text
    assert answer.json()["delivery"] == "pull"
    expected = f"您的留言（编号 {number}）有了答复：\n居住证续签请带身份证、居住证原件和近期一寸照片。"
    events = pull(live, say.sender, seen["next"])["events"]
    assert [(e["author"], e["agent"], e["messages"]) for e in events] == [
        ("agent", "吴坐席", [{"type": "text", "text": expected}])
    ]
    assert pushed_to(live, phone) == []  # the chat got it: no push as well
    answered = agent.ticket(number, "answered")
    assert answered["answer"] == expected and answered["delivery"] == "pull"
    assert answered["delivery_name"] == "已发送（对方页面自动接收）"
    assert agent.ticket(number) is None  # no longer among the open ones


def test_a_citizen_who_left_gets_the_answer_by_the_platform_push_once(live, closed, agent):
    say, phone = conversation(live), new_phone()
    number = leave_message(live, say, closed, phone)  # and never polls

    answer = agent.answer(number, "居住证续签请带身份证、居住证原件和近期一寸照片。")
    assert answer.status_code == 201, answer.text
    assert answer.json()["delivery"] == "platform_push"
    assert answer.json()["delivery_name"] == "已通过平台消息推送送达"
    expected = f"您的留言（编号 {number}）有了答复：\n居住证续签请带身份证、居住证原件和近期一寸照片。"
    pushed = pushed_to(live, phone)
    assert [(m["phone"], m["sender_id"], m["title"], m["text"], m["status"]) for m in pushed] == [
        (phone, say.sender, "留言答复", expected, "已发送")
    ]
    received = httpx.get(live.stack.application_api + "/_control/received", timeout=10).json()["items"]
    keys = [r["idempotency_key"] for r in received if r["path"] == "/messages" and r["body"].get("phone") == phone]
    assert keys == [f"live-message-{answer.json()['id']}"]

    again = agent.answer(number, "再答复一次")
    assert again.status_code == 409 and again.json() == {"detail": "该留言已被答复或不存在"}
    assert len(pushed_to(live, phone)) == 1
    assert agent.ticket(number, "answered")["delivery_name"] == "已通过平台消息推送送达"
    # the chat keeps the answer as well, for when the citizen comes back
    assert [e["messages"][0]["text"] for e in pull(live, say.sender)["events"]] == [expected]


def test_cancel_during_the_offer_or_the_message_returns_to_the_bot_and_leaves_no_ticket(live, closed, agent):
    say = conversation(live)
    assert say("转人工")["messages"][0]["live"] == {"status": "offline_message"}
    assert say("取消")["messages"] == [{"type": "text", "text": CANCELLED}]
    answered = say("身份证丢了怎么补办")
    assert answered["intent"]["name"] != "live_chat"
    assert answered["sources"] and answered["sources"][0]["id"] == "ga-idcard-reissue"

    say("转人工")
    assert say("留言")["messages"] == [{"type": "text", "text": ASK_MESSAGE}]
    assert say("取消")["messages"] == [{"type": "text", "text": CANCELLED}]
    assert say("身份证丢了怎么补办")["sources"][0]["id"] == "ga-idcard-reissue"  # not taken as the message
    shown = say.sender[:4] + "…" + say.sender[-4:]
    assert [t for t in agent.tickets() if t["citizen"] == shown] == []


UNATTENDED = re.compile(
    r"^在线人工客服现在都已下线，您的问题已转为留言（编号 (\d+)），您排队时发的内容都在里面，工作人员会尽快答复，"
    r"答复会发到这里。现在回到智能客服；急事请拨打 12345。$"
)


def test_when_every_agent_leaves_a_waiting_citizen_is_turned_into_a_ticket_and_nothing_is_lost(live):
    with hours_restored(live.gateway) as put:
        put(ALWAYS)
        console = Console(live.gateway, "郑坐席")
        try:
            say = conversation(live)
            say("身份证丢了怎么补办")
            handed = say("转人工")
            handoff = next(m for m in handed["messages"] if m["type"] == "handoff")
            assert handoff["live"]["status"] == "waiting"
            assert handed["live"] == handoff["live"]  # the turn that opens the session carries it on top too
            waited = "我下周要坐火车，能先办临时身份证吗"
            assert say(waited)["live"]["status"] == "waiting"

            silence_every_console(live.stack.env["DATABASE_URL"])
            told = wait_until(  # the sweep runs every LIVE_SWEEP_SECONDS (15 s) on every gateway
                lambda: next(
                    (e for e in pull(live, say.sender)["events"] if UNATTENDED.match(e["messages"][0]["text"])), None
                ),
                seconds=60,
                what="the citizen told their wait became a 离线留言",
                interval=1.0,
            )
            number = int(UNATTENDED.match(told["messages"][0]["text"]).group(1))
            assert number == handoff["live"]["session_id"]  # the same record: its messages stay with it
            state = pull(live, say.sender)
            assert (state["live"], state["tickets_open"]) == (None, 1)
            again = say("身份证丢了怎么补办")  # the bot answers again
            assert again["intent"]["name"] != "live_chat" and again["sources"], again

            ticket = console.ticket(number)
            assert ticket is not None, console.tickets()
            assert ticket["message"] == waited and ticket["topic"] == "居民身份证补领", ticket
            answer = "临时身份证可在户籍所在地派出所当场申领。"
            replied = console.answer(number, answer)
            assert replied.status_code == 201 and replied.json()["delivery"] == "pull", replied.text
            after = pull(live, say.sender, state["next"])
            assert [answer in e["messages"][0]["text"] for e in after["events"]] == [True]
            assert after["tickets_open"] == 0
        finally:
            console.leave()


def test_the_contact_is_asked_again_until_it_is_a_phone_and_is_kept_as_digits(live, closed, agent):
    say = conversation(live)
    say("转人工")
    say("留言")
    assert say("公积金怎么提取")["messages"] == [{"type": "text", "text": ASK_CONTACT}]
    again = say("白天打我电话")
    assert again["messages"] == [
        {"type": "text", "text": "没认出这个电话号码，请发送手机号或座机号（如 0351-1234567），不想留请回复“不留”。"}
    ]
    assert again["live"] == {"status": "offline_message"}
    received = say("138 1234 5678")  # spaced as many people type it
    number = int(RECEIVED.match(received["messages"][0]["text"]).group(1))
    ticket = agent.ticket(number)
    assert (ticket["contact"], ticket["message"]) == ("13812345678", "公积金怎么提取")
