"""Every hand-off end to end: a citizen with an identity token talks to /api/chat (gateway → Rasa → action
server → outbox → platform), and the test reads what the platform — the reference application API, a
separate process outside the stack, as a real platform would be — received. Then the platform is broken
(5xx, slow, stopped, a slot booked out under the citizen's feet, a double send) and nothing may be lost
or done twice: queued requests are delivered by the outbox worker once the platform is back."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from devtools.support.waiting import wait_until
from tests.stack.conftest import Stack
from tests.submissions.conftest import ReferenceServer

pytestmark = [pytest.mark.stack, pytest.mark.processes]

PHONE = "13812345678"
ADMIN_TOKEN = "e2e-admin-" + uuid.uuid4().hex
# 127.0.0.2 is loopback too, but not "this machine" to the launcher: it leaves the platform to us.
PLATFORM_HOST = "127.0.0.2"


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    server = ReferenceServer(tmp_path_factory.mktemp("platform") / "platform.sqlite3", host=PLATFORM_HOST).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bot(tmp_path_factory, platform):
    stack = Stack(
        tmp_path_factory.mktemp("handoff-stack"),
        {
            "APPLICATION_API_URL": platform.url,
            "APPLICATION_API_TIMEOUT_SECONDS": "1.5",
            "APPLICATION_API_BREAKER_RESET_SECONDS": "2",
            "OUTBOX_POLL_SECONDS": "1",
            "STAFF_ADMIN_TOKEN": ADMIN_TOKEN,
        },
    ).start()
    assert "reference-api" not in (stack.workdir / "launcher.log").read_text()
    yield stack
    assert stack.stop() == 0, stack.log.read_text()[-4000:]


class Citizen:
    """One conversation through /api/chat, logged in as `user` on the platform."""

    def __init__(self, bot: Stack, platform: ReferenceServer, user: str) -> None:
        self.bot, self.user = bot, user
        self.sender = f"{user}-{uuid.uuid4().hex[:6]}"
        self.token = platform.token(user)

    def say(self, text: str) -> dict:
        response = httpx.post(
            self.bot.gateway + "/api/chat",
            json={"sender_id": self.sender, "text": text},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        return response.json()


def text_of(reply: dict) -> str:
    return "\n".join(m["text"] for m in reply["messages"])


def book_until_confirmation(citizen: Citizen, slot_choice: str = "2") -> dict:
    citizen.say("我要预约补办身份证")
    citizen.say("太原市")
    slots = citizen.say("1")  # the first day offered
    assert "还可以约这些时段" in text_of(slots), text_of(slots)
    citizen.say(slot_choice)
    confirm = citizen.say(PHONE)
    assert "请核对预约信息" in text_of(confirm) and "138****5678" in text_of(confirm)
    return slots


def complain(citizen: Citizen, content: str) -> dict:
    citizen.say("我要投诉")
    citizen.say(content)
    citizen.say("跳过")
    citizen.say("不留")
    return citizen.say("确认")


def outbox_settled_since(bot: Stack, since: dt.datetime) -> bool:
    """Every request the outbox took in since `since` is delivered or rejected: nothing is left for the
    worker to send again (a second delivery could only come from a pending entry)."""
    with sqlite3.connect(bot.workdir / "outbox.sqlite3") as db:
        statuses = [
            status
            for (status,) in db.execute(
                "SELECT status FROM handoff_outbox WHERE created_at >= ?", (since.isoformat(" "),)
            )
        ]
    return bool(statuses) and "pending" not in statuses


def stats(bot: Stack) -> dict:
    response = httpx.get(bot.gateway + "/admin/stats", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


# -- what the platform receives when it works ---------------------------------------------------------


def test_appointment_reaches_the_platform_once_with_the_raw_phone(bot, platform):
    citizen = Citizen(bot, platform, "e2e-appointment")
    book_until_confirmation(citizen)
    done = citizen.say("确认")
    number = re.search(r"预约编号：(YY\d{13})", text_of(done)).group(1)
    (booked,) = platform.appointments("e2e-appointment")
    assert booked["appointment_id"] == number and booked["phone"] == PHONE
    assert booked["item_id"] == "ga-idcard-reissue" and booked["slot"] in text_of(done)
    # A slow answer may be retried by the client (same Idempotency-Key, the platform replays its first result):
    # "once" is one key and one booking, however many attempts the machine's load caused.
    sent = [r for r in platform.received() if r["path"] == "/appointments" and r["body"]["phone"] == PHONE]
    assert len({r["idempotency_key"] for r in sent}) == 1 and sent[0]["idempotency_key"]
    assert {r["status"] for r in sent} == {201}
    assert any(b["payload"].startswith("/evaluate") for m in done["messages"] for b in m.get("buttons", []))

    # 好差评 right after: the offered 好评 button, then no comment → the platform has the rating.
    rated = citizen.say('/evaluate{"number": "5"}')
    assert "还有什么想对我们说的" in text_of(rated)
    thanks = citizen.say("没有")
    assert "感谢您的评价（非常满意）" in text_of(thanks)
    (evaluation,) = platform.listing("evaluations", "e2e-appointment")
    assert evaluation["rating"] == 5 and evaluation["target_type"] == "conversation"
    assert wait_until(lambda: stats(bot)["satisfaction"]["ratings"] >= 1, 10, "the rating in the staff stats")


def test_complaint_becomes_a_12345_work_order_and_its_progress_can_be_asked(bot, platform):
    citizen = Citizen(bot, platform, "e2e-workorder")
    content = "上周三在小店区政务大厅排队两个小时没人办理"
    done = complain(citizen, content)
    number = re.search(r"工单编号：(GD\d{13})", text_of(done)).group(1)
    (order,) = platform.listing("workorders", "e2e-workorder")
    assert (order["workorder_no"], order["kind"], order["content"]) == (number, "complaint", content)
    progress = citizen.say(f"查一下{number}办到哪了")
    assert number in text_of(progress) and order["status"] in text_of(progress), text_of(progress)


def test_online_application_is_prefilled_from_the_identity_profile(bot, platform):
    citizen = Citizen(bot, platform, "e2e-apply")
    reply = citizen.say("我要网上申请社保卡")
    link = next(m for m in reply["messages"] if m["type"] == "link")
    (application,) = platform.listing("applications", "e2e-apply")
    profile = httpx.get(platform.url + "/auth/me", headers={"Authorization": f"Bearer {citizen.token}"}).json()
    assert application["form"] == {"申请人姓名": profile["name"], "联系电话": profile["phone"]}
    assert link["url"] == application["finish_link"] and application["application_no"] in link["text"]
    assert reply["sources"][0]["id"] == application["item_id"]


def test_handoffs_are_counted_in_the_staff_stats(bot, platform):
    by_target = wait_until(
        lambda: (lambda t: t if {"appointment", "workorder", "application"} <= set(t) else None)(
            stats(bot)["handoffs"]["by_target"]
        ),
        10,
        "hand-offs in the stats",
    )
    assert by_target["appointment"] >= 1 and by_target["workorder"] >= 1 and by_target["application"] >= 1


# -- when the platform fails ------------------------------------------------------------------------


def test_slot_booked_out_meanwhile_is_explained_and_another_slot_is_booked(bot, platform):
    first = platform.appointments("e2e-appointment")[0]  # same day and place as the citizen will pick
    citizen = Citizen(bot, platform, "e2e-409")
    slots = book_until_confirmation(citizen, slot_choice="2")
    picked = re.search(r"\n2\. (\d\d:\d\d-\d\d:\d\d)", text_of(slots)).group(1)
    assert picked == first["slot"]  # the slot the first citizen took: one place left
    other = platform.token("e2e-other")
    taken = httpx.post(
        platform.url + "/appointments",
        headers={"Authorization": f"Bearer {other}"},
        json={k: first[k] for k in ("item_id", "item_name", "place", "date", "slot", "phone")},
    )
    assert taken.status_code == 201, taken.text
    refused = citizen.say("确认")
    assert "该时段已约满" in text_of(refused) and "还可以约这些时段" in text_of(refused)
    assert picked not in text_of(refused).split("还可以约这些时段")[1]
    citizen.say("1")
    done = citizen.say("确认")
    assert "预约成功" in text_of(done)
    (booked,) = platform.appointments("e2e-409")
    assert booked["slot"] != picked


def test_double_send_of_the_confirmation_books_once(bot, platform):
    citizen = Citizen(bot, platform, "e2e-double")
    book_until_confirmation(citizen, slot_choice="3")
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(citizen.say, ["确认", "确认"]))
    assert sum("预约成功" in text_of(r) for r in replies) == 1, [text_of(r) for r in replies]
    assert len(platform.appointments("e2e-double")) == 1


def test_platform_5xx_queues_the_request_and_the_worker_delivers_it_once(bot, platform):
    since = dt.datetime.utcnow()  # the outbox's clock (UTC)
    citizen = Citizen(bot, platform, "e2e-5xx")
    platform.control(fail_status=503, fail_times=1000)
    try:
        reply = complain(citizen, "社区服务中心周末不开门")
    finally:
        platform.control(delay_seconds=0, fail_status=None)
    assert "已经记下" in text_of(reply) and "12345" in text_of(reply), text_of(reply)
    (order,) = wait_until(lambda: platform.listing("workorders", "e2e-5xx"), 30, "the queued work order")
    assert order["content"] == "社区服务中心周末不开门"
    tries = [
        r for r in platform.received() if r["path"] == "/workorders" and r["body"].get("content") == order["content"]
    ]
    assert len({r["idempotency_key"] for r in tries}) == 1 and len(tries) >= 2
    assert [r["status"] for r in tries].count(201) == 1
    wait_until(lambda: outbox_settled_since(bot, since), 30, "the outbox entry marked delivered")
    assert len(platform.listing("workorders", "e2e-5xx")) == 1


def test_slow_platform_times_out_and_the_late_creation_is_not_doubled(bot, platform):
    since = dt.datetime.utcnow()
    citizen = Citizen(bot, platform, "e2e-slow")
    book_until_confirmation(citizen, slot_choice="4")
    platform.control(delay_seconds=3.0)  # above the bot's 1.5 s timeout: every call times out
    try:
        reply = citizen.say("确认")
    finally:
        platform.control(delay_seconds=0, fail_status=None)
    assert "已经记下" in text_of(reply), text_of(reply)
    wait_until(lambda: platform.appointments("e2e-slow"), 30, "the appointment")
    # The outbox worker's resend (same key) must replay, not book again: once the entry is delivered, the
    # resend has happened and nothing more will be sent.
    wait_until(lambda: outbox_settled_since(bot, since), 30, "the outbox entry marked delivered")
    assert len(platform.appointments("e2e-slow")) == 1


def test_platform_down_then_back_delivers_the_queued_request(bot, platform):
    citizen = Citizen(bot, platform, "e2e-down")
    platform.stop()
    try:
        reply = complain(citizen, "不动产登记中心电话一直打不通")
    finally:
        platform.start()
    assert "已经记下" in text_of(reply) and "12345" in text_of(reply), text_of(reply)
    (order,) = wait_until(lambda: platform.listing("workorders", "e2e-down"), 60, "the queued work order")
    assert order["content"] == "不动产登记中心电话一直打不通"


def test_no_phone_number_is_kept_by_the_bot(bot, platform):
    """After delivery the outbox keeps the platform's answer only; logs and trackers hold masked numbers."""
    with sqlite3.connect(bot.workdir / "outbox.sqlite3") as db:
        rows = db.execute("SELECT status, body, token FROM handoff_outbox").fetchall()
    assert rows and all(status != "pending" for status, _, _ in rows)
    assert all(PHONE not in body and token is None for _, body, token in rows)
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (bot.workdir / "logs").glob("*.log"))
    assert logs and PHONE not in logs
