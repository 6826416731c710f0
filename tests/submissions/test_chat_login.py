"""The login round-trip end to end (gateway → Rasa → action server → platform): a citizen starts a personal
business without being logged in, is told what the login is for and that 12345 can help, logs in, taps
"继续" — and the business goes on with what was written before, up to what the platform receives."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.submissions.test_chat_submissions import PHONE, bot, platform, text_of  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.stack, pytest.mark.processes]


class Visitor:
    """One conversation through /api/chat: first without a login, then with the platform's token."""

    def __init__(self, bot, platform, user: str) -> None:  # noqa: F811 (the fixtures' values)
        self.bot, self.platform, self.user = bot, platform, user
        self.sender = f"{user}-{uuid.uuid4().hex[:6]}"
        self.token = None

    def log_in(self) -> None:
        self.token = self.platform.token(self.user)

    def say(self, text: str) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = httpx.post(
            self.bot.gateway + "/api/chat", json={"sender_id": self.sender, "text": text}, headers=headers, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()


def resume_payloads(reply: dict) -> list:
    return [b["payload"] for m in reply["messages"] for b in m.get("buttons", [])]


def test_a_complaint_written_before_the_login_is_filed_after_it(bot, platform):  # noqa: F811
    visitor = Visitor(bot, platform, "e2e-login-complaint")
    content = "我要投诉小区门口的路灯一周都不亮了"
    asked = visitor.say(content)
    link = next(m for m in asked["messages"] if m["type"] == "link")
    assert "投诉需要先登录" in link["text"] and "12345" in link["text"] and "记下了" in link["text"], link
    assert "这项业务需要先登录" not in text_of(asked)
    assert "/complaint" in resume_payloads(asked)
    visitor.log_in()
    resumed = visitor.say("/complaint")
    assert "您说过的都还在" in text_of(resumed) and "事情发生在哪里" in text_of(resumed), text_of(resumed)
    visitor.say("跳过")
    visitor.say("不留")
    done = visitor.say("确认")
    number = re.search(r"工单编号：(GD\d{13})", text_of(done)).group(1)
    (order,) = platform.listing("workorders", "e2e-login-complaint")
    assert (order["workorder_no"], order["content"]) == (number, content)


def test_a_booking_goes_on_after_the_login_with_the_item_kept(bot, platform):  # noqa: F811
    visitor = Visitor(bot, platform, "e2e-login-booking")
    asked = visitor.say("我要预约补办身份证")
    assert asked["messages"][0]["type"] == "link" and "预约办理需要先登录" in asked["messages"][0]["text"]
    visitor.log_in()
    resumed = visitor.say("/make_appointment")
    assert "您想到哪里办理" in text_of(resumed), text_of(resumed)  # the item is not asked again
    visitor.say("太原市")
    visitor.say("1")
    visitor.say("2")
    summary = visitor.say(PHONE)
    assert "请核对预约信息" in text_of(summary) and "居民身份证补领" in text_of(summary), text_of(summary)
    done = visitor.say("确认")
    assert "预约成功" in text_of(done), text_of(done)
    (booked,) = platform.appointments("e2e-login-booking")
    assert booked["item_id"] == "ga-idcard-reissue" and booked["phone"] == PHONE
