"""Forms through /api/chat: personal operations without a login get the login link (never a password or an ID
number asked for); a progress query runs the form and the hand-off against the stack's reference API."""

import httpx
import pytest

from tests.dialogue.conftest import texts

pytestmark = pytest.mark.stack


def test_appointment_without_login_sends_the_login_link(talk):
    reply = talk("我要预约补办身份证")
    assert reply["intent"]["name"] == "make_appointment"
    link = reply["messages"][0]
    assert link["type"] == "link" and link["url"].startswith("sanjintong://login")
    assert "先登录" in link["text"] and "密码" not in link["text"]


def test_asking_whether_an_appointment_is_needed_is_answered_not_booked(talk):
    reply = talk("结婚登记要预约吗")
    assert reply["intent"]["name"] == "ask_question"
    assert all(m["type"] != "link" for m in reply["messages"])  # no login link: nothing is being booked
    assert reply["sources"] and "预约" in reply["messages"][0]["text"], reply


def test_progress_query_with_the_number_in_the_message(talk, stack):
    api = stack.application_api
    token = httpx.post(api + "/auth/token", json={"user_id": "dlg-user"}, timeout=5).json()["access_token"]
    created = httpx.post(
        api + "/applications",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
        json={"item_id": "ga-residence-permit", "item_name": "居住证", "form": {"姓名": "李四"}},
    ).json()
    number = created["application_no"]
    reply = talk(f"帮我查一下{number}办到哪了", token=token)
    assert reply["intent"]["name"] == "check_progress"
    lines = texts(reply)[0].split("\n")
    assert lines[0] == f"{number}【居住证】当前状态：待补充"
    assert lines[1:4] == ["○ 已受理", "○ 审核中", "○ 已办结"] and "李四" not in texts(reply)[0]


def test_progress_query_asks_for_the_number_first(talk, stack):
    token = httpx.post(stack.application_api + "/auth/token", json={"user_id": "dlg-user"}, timeout=5).json()
    asked = talk("查一下我的办件进度", token=token["access_token"])
    assert texts(asked)[0] == "请提供办件编号（申办编号 SX…、工单编号 GD… 或预约编号 YY…），例如 SX2026112300001。"
    # and, for a citizen without the number, the app that lists all their applications (profile flow_apps)
    assert texts(asked)[1].startswith("不知道编号的话") and len(texts(asked)) == 2
    assert [s["id"] for s in asked["sources"]] == ["app-progress-query"]
    unknown = talk("SX2026010100099", token=token["access_token"])
    assert texts(unknown) == ["没有查到您名下编号为 SX2026010100099 的办件，请核对编号。"]
