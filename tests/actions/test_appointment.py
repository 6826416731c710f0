"""预约 form: slot extraction and validation, the ask actions, and the submission to the reference API."""

import datetime as dt

import httpx

from actions.forms.appointment import (
    ActionAskAppointmentConfirm,
    ActionAskAppointmentDate,
    ActionAskAppointmentItem,
    ActionAskAppointmentPlace,
    ActionAskAppointmentSlot,
    ActionSubmitAppointment,
    ValidateAppointmentForm,
    day_title,
    slot_for_time,
    working_days,
)
from actions.forms.common import today
from actions.platform import submission
from tests.actions.conftest import make_tracker, said, slot_events, texts

REISSUE = "ga-idcard-reissue"
FILLED = {"appointment_item": REISSUE, "appointment_place": "太原市"}


def next_working_day(after: int = 0) -> str:
    return working_days(today(), after + 1)[after].isoformat()


def next_saturday() -> str:
    day = today() + dt.timedelta(days=1)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day.isoformat()


async def validate(dispatcher, domain, text, entities=(), intent="make_appointment", **kwargs):
    tracker = make_tracker(text, intent, list(entities), active_loop="appointment_form", **kwargs)
    return slot_events(await ValidateAppointmentForm().run(dispatcher, tracker, domain))


def test_times_map_to_the_offices_slots():
    assert [slot_for_time(t) for t in ("09:30", "15:00", "12:30", "上午")] == ["09:00-10:00", "15:00-16:00", None, None]


async def test_the_first_message_fills_what_it_says(sample_kb, dispatcher, domain):
    day = next_working_day()
    slots = await validate(
        dispatcher,
        domain,
        "我要预约补办身份证",
        [{"entity": "item", "value": REISSUE}, {"entity": "date", "value": day}],
        metadata={"region": "太原市小店区"},
    )
    assert slots == {
        "appointment_item": REISSUE,
        "candidates": None,
        "appointment_place": "太原市",
        "appointment_date": day,
    }


async def test_the_item_in_context_is_the_one_to_book(sample_kb, dispatcher, domain):
    slots = await validate(dispatcher, domain, "我要预约", slots={"item": "ga-residence-permit"})
    assert slots["appointment_item"] == "ga-residence-permit"


async def test_several_items_are_offered_then_picked_by_number(sample_kb, dispatcher, domain):
    entities = [{"entity": "document", "value": "居民身份证"}]
    slots = await validate(dispatcher, domain, "我要预约身份证", entities)
    assert slots == {"appointment_item": None}  # still open
    tracker = make_tracker("我要预约身份证", "make_appointment", entities, active_loop="appointment_form")
    offered = slot_events(await ActionAskAppointmentItem().run(dispatcher, tracker, {}))["candidates"]
    assert sorted(offered) == [
        "item:ga-idcard-first",
        "item:ga-idcard-reissue",
        "item:ga-idcard-renew",
        "item:ga-idcard-temp",
    ]
    assert dispatcher.messages[-1]["text"] == "您要预约办理哪一项？请回复序号："
    picked = await validate(
        dispatcher,
        domain,
        "2",
        [{"entity": "number", "value": "2"}],
        slots={"requested_slot": "appointment_item", "candidates": offered},
    )
    assert picked["appointment_item"] == offered[1].split(":")[1]


async def test_no_item_yet_asks_in_words(sample_kb, dispatcher):
    events = await ActionAskAppointmentItem().run(dispatcher, make_tracker("我要预约", "make_appointment"), {})
    assert said(dispatcher)[0] == "utter_ask_appointment_item" and slot_events(events) == {"candidates": None}


async def test_place_is_asked_with_numbered_choices_and_picked(sample_kb, dispatcher, domain):
    tracker = make_tracker("", slots={"appointment_item": REISSUE}, active_loop="appointment_form")
    events = await ActionAskAppointmentPlace().run(dispatcher, tracker, {})
    offered = slot_events(events)["candidates"]
    assert offered == ["place:太原市", "place:大同市", "place:长治市", "place:运城市", "place:*"]
    assert dispatcher.messages[0]["buttons"][-1]["title"].startswith("其他地区：户籍所在地公安派出所户籍窗口")
    picked = await validate(
        dispatcher,
        domain,
        "运城的",
        [{"entity": "region", "value": "运城市"}],
        slots={"appointment_item": REISSUE, "requested_slot": "appointment_place", "candidates": offered},
    )
    assert picked["appointment_place"] == "运城市"
    by_number = await validate(
        dispatcher,
        domain,
        "5",
        [{"entity": "number", "value": "5"}],
        slots={"appointment_item": REISSUE, "requested_slot": "appointment_place", "candidates": offered},
    )
    assert by_number["appointment_place"] == "*"


async def test_weekend_and_past_dates_are_refused_in_chinese(sample_kb, dispatcher, domain):
    saturday = next_saturday()
    slots = await validate(
        dispatcher,
        domain,
        "周六",
        [{"entity": "date", "value": saturday}],
        slots={**FILLED, "requested_slot": "appointment_date"},
    )
    assert slots["appointment_date"] is None
    assert texts(dispatcher)[-1] == f"{day_title(saturday)}是周末，窗口不办公，请选一个工作日。"
    past = (today() - dt.timedelta(days=3)).isoformat()
    slots = await validate(
        dispatcher,
        domain,
        "上周",
        [{"entity": "date", "value": past}],
        slots={**FILLED, "requested_slot": "appointment_date"},
    )
    assert slots["appointment_date"] is None and texts(dispatcher)[-1] == "这一天已经过去了，请选今天以后的工作日。"


async def test_date_choices_are_the_next_three_working_days(sample_kb, dispatcher):
    events = await ActionAskAppointmentDate().run(dispatcher, make_tracker(""), {})
    assert slot_events(events)["candidates"] == [f"date:{next_working_day(n)}" for n in range(3)]


async def test_a_new_date_clears_the_chosen_time(sample_kb, dispatcher, domain):
    slots = await validate(
        dispatcher,
        domain,
        "改成后天",
        [{"entity": "date", "value": next_working_day(1)}],
        slots={
            **FILLED,
            "appointment_date": next_working_day(),
            "appointment_slot": "09:00-10:00",
            "requested_slot": "appointment_confirm",
        },
    )
    assert slots["appointment_date"] == next_working_day(1) and slots["appointment_slot"] is None


async def test_time_slots_come_from_the_api_and_full_ones_are_refused(api, dispatcher, domain):
    day = next_working_day(2)
    place = "太原市户籍所在地派出所户籍室；或太原市政务服务中心（太原市长治路201号）二楼公安户政窗口（省内异地、跨省异地均可受理）"
    for user in ("full-1", "full-2"):  # two bookings fill a slot (capacity 2)
        response = httpx.post(
            api.url + "/appointments",
            headers={"Authorization": f"Bearer {api.token(user)}"},
            json={
                "item_id": REISSUE,
                "item_name": "居民身份证补领",
                "place": place,
                "date": day,
                "slot": "10:00-11:00",
                "phone": "13900000000",
            },
            timeout=5,
        )
        assert response.status_code == 201, response.text
    tracker = make_tracker(
        "上午",
        "make_appointment",
        [{"entity": "time", "value": "上午"}],
        slots={**FILLED, "appointment_date": day},
        active_loop="appointment_form",
    )
    events = await ActionAskAppointmentSlot().run(dispatcher, tracker, {})
    assert slot_events(events)["candidates"] == ["slot:09:00-10:00", "slot:11:00-12:00"]  # morning, not full
    slots = await validate(
        dispatcher,
        domain,
        "10点",
        [{"entity": "time", "value": "10:00"}],
        slots={**FILLED, "appointment_date": day, "requested_slot": "appointment_slot"},
    )
    assert slots["appointment_slot"] is None and texts(dispatcher)[-1].endswith(
        "10:00-11:00 已经约满了，请换一个时段。"
    )
    slots = await validate(
        dispatcher,
        domain,
        "第一个",
        [{"entity": "number", "value": "1"}],
        slots={
            **FILLED,
            "appointment_date": day,
            "requested_slot": "appointment_slot",
            "candidates": ["slot:09:00-10:00", "slot:11:00-12:00"],
        },
    )
    assert slots["appointment_slot"] == "09:00-10:00"


async def test_phone_is_kept_private_and_shown_masked(sample_kb, dispatcher, domain):
    slots = await validate(
        dispatcher,
        domain,
        "13812345678",
        [{"entity": "phone", "value": "13812345678"}],
        slots={**FILLED, "requested_slot": "appointment_phone"},
    )
    assert slots["appointment_phone"] == "138****5678"
    assert submission.recall_private(submission.TrackerContext("u-test"), "appointment_phone") == "13812345678"
    landline = await validate(
        dispatcher,
        domain,
        "0351-5681231",
        [{"entity": "phone", "value": "0351-5681231"}],
        slots={**FILLED, "requested_slot": "appointment_phone"},
    )
    assert landline["appointment_phone"] is None and texts(dispatcher)[-1] == "预约短信要发到手机上，请留一个手机号码。"


# The form showed the summary, then listened: the events before a reply to it.
SUMMARY_SHOWN = [{"event": "action", "name": "appointment_form"}, {"event": "action", "name": "action_listen"}]


async def test_confirm_only_at_the_confirm_step(sample_kb, dispatcher, domain):
    at_summary = {**FILLED, "requested_slot": "appointment_confirm"}
    assert await validate(dispatcher, domain, "好的", intent="affirm", slots=at_summary, before=SUMMARY_SHOWN) == {
        "appointment_confirm": True
    }
    assert await validate(dispatcher, domain, "不约了", intent="deny", slots=at_summary, before=SUMMARY_SHOWN) == {
        "appointment_confirm": False
    }
    assert (
        await validate(
            dispatcher, domain, "好的", intent="affirm", slots={**FILLED, "requested_slot": "appointment_phone"}
        )
        == {}
    )


async def test_confirm_question_summarises_with_the_masked_phone(sample_kb, dispatcher):
    day = next_working_day()
    tracker = make_tracker(
        "",
        slots={
            **FILLED,
            "appointment_date": day,
            "appointment_slot": "09:00-10:00",
            "appointment_phone": "138****5678",
        },
    )
    await ActionAskAppointmentConfirm().run(dispatcher, tracker, {})
    text = dispatcher.messages[0]["text"]
    assert text.split("\n")[:5] == [
        "请核对预约信息：",
        "事项：居民身份证补领",
        text.split("\n")[2],
        f"时间：{day_title(day)} 09:00-10:00",
        "手机：138****5678",
    ]
    assert text.split("\n")[2].startswith("地点：太原市：") and [
        b["payload"] for b in dispatcher.messages[0]["buttons"]
    ] == ["/affirm", "/deny"]


def booking_tracker(token, day, slot="14:00-15:00", sender="citizen-1"):
    slots = {
        **FILLED,
        "appointment_date": day,
        "appointment_slot": slot,
        "appointment_phone": "138****5678",
        "appointment_confirm": True,
    }
    return make_tracker("确认", "affirm", slots=slots, metadata={"identity_token": token}, sender=sender)


async def test_submit_books_the_appointment_once(api, dispatcher):
    day = next_working_day(1)
    ctx = submission.TrackerContext("citizen-1")
    submission.keep_private(ctx, "appointment_phone", "13812345678")
    token = api.token("citizen-1")
    events = await ActionSubmitAppointment().run(dispatcher, booking_tracker(token, day), {})
    booked = api.listing("appointments", "citizen-1")
    assert [(b["item_id"], b["date"], b["slot"], b["phone"]) for b in booked] == [
        (REISSUE, day, "14:00-15:00", "13812345678")
    ]
    message = dispatcher.messages[0]["custom"]
    assert message["appointment_id"] == booked[0]["appointment_id"]
    assert message["text"].split("\n")[0] == f"预约成功！预约编号：{booked[0]['appointment_id']}"
    assert "记得带上：居民户口簿；本人近期免冠彩色人像" in message["text"]
    slots = slot_events(events)
    assert slots["appointment_item"] is None and slots["requested_slot"] is None and slots["item"] == REISSUE
    # the same confirmation sent twice (a double tap, a retried turn) makes one appointment
    await ActionSubmitAppointment().run(dispatcher, booking_tracker(token, day), {})
    assert len(api.listing("appointments", "citizen-1")) == 1


async def test_a_full_slot_goes_back_to_choosing_a_time(api, dispatcher):
    day = next_working_day(3)
    for user in ("early-1", "early-2"):
        submission.keep_private(submission.TrackerContext(user), "appointment_phone", "13900000000")
        await ActionSubmitAppointment().run(dispatcher, booking_tracker(api.token(user), day, "16:00-17:00", user), {})
    submission.keep_private(submission.TrackerContext("late"), "appointment_phone", "13812345678")
    events = await ActionSubmitAppointment().run(
        dispatcher, booking_tracker(api.token("late"), day, "16:00-17:00", "late"), {}
    )
    assert texts(dispatcher)[-1] == "该时段已约满，请选择其他时段"
    assert slot_events(events) == {"appointment_slot": None, "appointment_confirm": None}
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "appointment_form"}
    assert api.listing("appointments", "late") == []


async def test_without_login_the_citizen_gets_the_login_link(api, dispatcher):
    submission.keep_private(submission.TrackerContext("citizen-1"), "appointment_phone", "13812345678")
    await ActionSubmitAppointment().run(dispatcher, booking_tracker(None, next_working_day()), {})
    message = dispatcher.messages[0]["custom"]
    assert message["type"] == "link" and message["url"] == submission.login_link(None)
    assert "密码" not in message["text"] and "身份证号" not in message["text"]


async def test_not_confirmed_is_not_submitted(api, dispatcher):
    tracker = make_tracker("不约了", "deny", slots={**FILLED, "appointment_confirm": False})
    events = await ActionSubmitAppointment().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["好的，这次预约没有提交。需要时再跟我说“我要预约”。"]
    assert slot_events(events)["appointment_item"] is None
