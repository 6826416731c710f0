"""When a business needs the login: the reply says which business and why, always names 12345, and what the
citizen wrote is kept — after the login the same flow goes on with it (nothing is asked twice)."""

import pytest

from actions.forms import login
from actions.forms.apply_online import ActionApplyOnline
from actions.forms.appointment import (
    ActionAskAppointmentConfirm,
    ActionAskAppointmentSlot,
    ActionSubmitAppointment,
    ValidateAppointmentForm,
    working_days,
)
from actions.forms.common import ActionCheckLogin, today
from actions.forms.evaluation import ActionSubmitEvaluation
from actions.forms.progress import ActionQueryProgress
from actions.forms.workorder import ValidateWorkorderForm
from actions.platform import submission
from tests.actions.conftest import make_tracker, slot_events, texts, use_profile

REISSUE = "ga-idcard-reissue"
BARE = "这项业务需要先登录"
LONG_COMPLAINT = "领导您好，我家住在****小区，小区门口的路灯从上个月开始就一直不亮，晚上出门很不安全，希望尽快修好。"


def day(n: int = 1) -> str:
    return working_days(today(), n + 1)[n].isoformat()


def login_texts(dispatcher) -> list:
    return [m["custom"]["text"] for m in dispatcher.messages if (m.get("custom") or {}).get("type") == "link"]


def resume_buttons(dispatcher) -> list:
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


def the_summary_was_shown(form: str) -> list:
    return [{"event": "action", "name": form}, {"event": "action", "name": "action_listen"}]


async def check_login(dispatcher, domain, text, intent, entities=(), slots=None, token=None, region=None):
    metadata = {"identity_token": token} if token else {}
    if region:
        metadata["region"] = region
    tracker = make_tracker(text, intent, list(entities), slots=slots, metadata=metadata)
    return slot_events(await ActionCheckLogin().run(dispatcher, tracker, domain))


async def test_the_login_message_says_what_for_why_and_names_12345(sample_kb, dispatcher, domain):
    events = await check_login(
        dispatcher,
        domain,
        "我要预约明天补办身份证",
        "make_appointment",
        [{"entity": "item", "value": REISSUE}, {"entity": "date", "value": day()}],
        region="太原市小店区",
    )
    assert events["logged_in"] is False
    (text,) = login_texts(dispatcher)
    first = text.split("\n")[0]
    assert first == "预约办理需要先登录三晋通（统一身份认证），因为预约要用您的实名身份排号，预约结果也会记在您的名下。"
    assert "您刚才说的内容我都记下了" in text and "12345" in text and not text.startswith(BARE)
    link = dispatcher.messages[0]["custom"]
    assert (link["type"], link["title"], link["url"]) == ("link", "登录三晋通", submission.login_link(None))
    assert resume_buttons(dispatcher) == [{"title": "我已登录，继续预约办理", "payload": "/make_appointment"}]
    kept = events["login_pending"]
    assert kept["form"] == "appointment_form"
    assert kept["slots"] == {"appointment_item": REISSUE, "appointment_place": "太原市", "appointment_date": day()}


async def test_the_platform_name_comes_from_the_profile(sample_kb, dispatcher, domain, monkeypatch):
    """Another province's profile (the shared sample store itself is left as it is)."""
    use_profile(sample_kb, monkeypatch, platform="某省政务")
    await check_login(dispatcher, domain, "我要投诉", "complaint")
    link = dispatcher.messages[0]["custom"]
    assert link["title"] == "登录某省政务" and "三晋通" not in link["text"]
    assert link["text"].startswith("投诉需要先登录某省政务（统一身份认证）")


@pytest.mark.parametrize("flow", [*login.FLOWS, None])
async def test_no_login_reply_is_ever_bare(sample_kb, flow):
    text = login.login_message(submission.TrackerContext("s"), flow)["text"]
    assert BARE not in text and "12345" in text and "登录" in text
    if flow:
        assert text.startswith(login.FLOWS[flow].what) and "因为" in text


async def test_a_booking_goes_on_after_login_with_what_was_kept(api, dispatcher, domain):
    """Not logged in: the item, the place and the date are kept. The citizen logs in and taps "继续": the
    form asks only the time and the phone, then books the kept date."""
    first = await check_login(
        dispatcher,
        domain,
        "我要预约明天补办身份证",
        "make_appointment",
        [{"entity": "item", "value": REISSUE}, {"entity": "date", "value": day()}],
        region="太原市",
    )
    token = api.token("citizen-login")
    after = await check_login(
        dispatcher, domain, "/make_appointment", "make_appointment", slots=dict(first), token=token
    )
    assert after == {
        "appointment_item": REISSUE,
        "appointment_place": "太原市",
        "appointment_date": day(),
        "login_pending": None,
        "logged_in": True,
    }
    assert texts(dispatcher)[-1] == "您已登录，接着刚才的预约办理往下办，您说过的都还在。"
    slots = {k: v for k, v in after.items() if k.startswith("appointment_")}
    metadata = {"identity_token": token}
    asked = make_tracker("/make_appointment", "make_appointment", slots=slots, metadata=metadata, sender="c-login")
    offered = slot_events(await ActionAskAppointmentSlot().run(dispatcher, asked, {}))["candidates"]
    assert offered[0].startswith("slot:")  # the next question is the time: item, place and date were kept
    picked = make_tracker(
        "第一个",
        "choose_option",
        [{"entity": "number", "value": "1"}, {"entity": "phone", "value": "13812345678"}],
        slots={**slots, "requested_slot": "appointment_slot", "candidates": offered},
        metadata=metadata,
        active_loop="appointment_form",
        sender="c-login",
    )
    slots.update(slot_events(await ValidateAppointmentForm().run(dispatcher, picked, domain)))
    assert slots["appointment_slot"] == offered[0][5:] and slots["appointment_phone"] == "138****5678"
    confirm = make_tracker(
        "确认",
        "affirm",
        slots={**slots, "requested_slot": "appointment_confirm"},
        metadata=metadata,
        before=the_summary_was_shown("appointment_form"),
        active_loop="appointment_form",
        sender="c-login",
    )
    slots.update(slot_events(await ValidateAppointmentForm().run(dispatcher, confirm, domain)))
    assert slots["appointment_confirm"] is True
    done = make_tracker("确认", "affirm", slots=slots, metadata=metadata, sender="c-login")
    await ActionSubmitAppointment().run(dispatcher, done, {})
    (booked,) = api.listing("appointments", "citizen-login")
    assert (booked["item_id"], booked["date"], booked["phone"]) == (REISSUE, day(), "13812345678")


async def test_a_long_complaint_survives_the_login(sample_kb, dispatcher, domain):
    first = await check_login(dispatcher, domain, LONG_COMPLAINT, "complaint", slots={"workorder_kind": "complaint"})
    assert first["login_pending"]["slots"] == {"workorder_kind": "complaint", "workorder_content": LONG_COMPLAINT}
    text = login_texts(dispatcher)[0]
    assert text.startswith("投诉需要先登录") and "12345" in text and "记下了" in text
    assert resume_buttons(dispatcher)[-1]["payload"] == "/complaint"
    after = await check_login(
        dispatcher, domain, "/complaint", "complaint", slots={**first, "workorder_kind": "complaint"}, token="t"
    )
    assert after["workorder_content"] == LONG_COMPLAINT and after["login_pending"] is None
    # the form goes on at the place: the content is filled, so it is not asked again
    resumed = make_tracker(
        "/complaint", "complaint", slots={"workorder_kind": "complaint", "workorder_content": LONG_COMPLAINT}
    )
    assert slot_events(await ValidateWorkorderForm().run(dispatcher, resumed, domain)) == {}


async def test_just_the_intent_keeps_nothing_and_says_so(sample_kb, dispatcher, domain):
    events = await check_login(dispatcher, domain, "我有个建议", "suggestion", slots={"workorder_kind": "suggestion"})
    assert "记下了" not in login_texts(dispatcher)[0] and login_texts(dispatcher)[0].startswith("提建议需要先登录")
    assert events["login_pending"]["slots"] == {"workorder_kind": "suggestion"}


async def test_an_expired_login_at_the_booking_keeps_everything_but_the_yes(api, dispatcher, domain):
    submission.keep_private(submission.TrackerContext("c-expired"), "appointment_phone", "13812345678")
    filled = {
        "appointment_item": REISSUE,
        "appointment_place": "太原市",
        "appointment_date": day(2),
        "appointment_slot": "15:00-16:00",
        "appointment_phone": "138****5678",
        "appointment_confirm": True,
    }
    expired = make_tracker(
        "确认", "affirm", slots=filled, metadata={"identity_token": "no-such-token"}, sender="c-expired"
    )
    events = slot_events(await ActionSubmitAppointment().run(dispatcher, expired, {}))
    assert events["appointment_item"] is None  # the form is closed ...
    kept = events["login_pending"]["slots"]  # ... but what was filled is kept, except the confirmation
    assert kept == {k: v for k, v in filled.items() if k != "appointment_confirm"}
    assert login_texts(dispatcher)[0].startswith("预约办理需要先登录")
    token = api.token("citizen-expired")
    after = await check_login(
        dispatcher,
        domain,
        "/make_appointment",
        "make_appointment",
        slots={"login_pending": events["login_pending"]},
        token=token,
    )
    assert {k: after[k] for k in kept} == kept and "appointment_confirm" not in after
    summary = make_tracker("", slots={k: after[k] for k in kept})
    await ActionAskAppointmentConfirm().run(dispatcher, summary, {})
    assert dispatcher.messages[-1]["text"].startswith("请核对预约信息：")  # asked again, never assumed


async def test_a_progress_query_that_needs_login_keeps_the_number(sample_kb, dispatcher, monkeypatch):
    async def needs_login(ctx, number):
        return submission.SubmissionResult(False, submission.LOGIN_REQUIRED, submission.login_required_message())

    monkeypatch.setattr(submission, "query_progress", needs_login)
    tracker = make_tracker("", slots={"application_no": "SX2026112300001"})
    await ActionQueryProgress().run(dispatcher, tracker, {})
    text = login_texts(dispatcher)[0]
    assert text.startswith("查询办件进度（SX2026112300001）需要先登录") and "您本人的办件" in text and "12345" in text
    assert resume_buttons(dispatcher) == [
        {"title": "我已登录，继续查询办件进度", "payload": '/check_progress{"application_no": "SX2026112300001"}'}
    ]


async def test_apply_online_goes_on_after_login_from_the_button(api, dispatcher):
    tracker = make_tracker("我要网上申请社保卡", "apply_online", [{"entity": "item", "value": "rs-sscard-apply"}])
    await ActionApplyOnline().run(dispatcher, tracker, {})
    assert login_texts(dispatcher)[0].startswith("网上申办【社会保障卡申领】需要先登录三晋通")
    (button,) = resume_buttons(dispatcher)
    assert button["payload"] == '/apply_online{"item": "rs-sscard-apply"}'
    # the button's payload carries the item: the citizen, now logged in, taps it
    tapped = make_tracker(
        button["payload"],
        "apply_online",
        [{"entity": "item", "value": "rs-sscard-apply"}],
        metadata={"identity_token": api.token("citizen-apply")},
        sender="citizen-apply",
    )
    await ActionApplyOnline().run(dispatcher, tapped, {})
    (application,) = api.listing("applications", "citizen-apply")
    assert application["item_id"] == "rs-sscard-apply"


async def test_an_expired_login_does_not_lose_a_rating(api, dispatcher):
    tracker = make_tracker(
        "没有", slots={"rating": 5, "rating_comment": "无"}, metadata={"identity_token": "no-such-token"}
    )
    await ActionSubmitEvaluation().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["感谢您的评价（非常满意）！我们会继续改进服务。"]


async def test_after_the_resume_button_the_kept_content_wins(sample_kb, dispatcher, domain):
    """The button's payload ("/complaint") is no content: whatever was set from it this turn gives way to what
    the citizen wrote before the login."""
    first = await check_login(dispatcher, domain, LONG_COMPLAINT, "complaint", slots={"workorder_kind": "complaint"})
    after = await check_login(
        dispatcher,
        domain,
        "/complaint",
        "complaint",
        slots={**first, "workorder_kind": "complaint", "workorder_content": "/complaint"},
        token="t",
    )
    assert after["workorder_content"] == LONG_COMPLAINT


async def test_a_request_for_help_is_filed_in_the_name_of_the_citizen(sample_kb, dispatcher, domain):
    await check_login(dispatcher, domain, "求助", "help_request", slots={"workorder_kind": "help_request"})
    assert login_texts(dispatcher)[0].startswith("求助需要先登录") and "12345" in login_texts(dispatcher)[0]
    assert resume_buttons(dispatcher) == [{"title": "我已登录，继续求助", "payload": "/help_request"}]
