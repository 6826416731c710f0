"""Forms take what the citizen offers in any order: a value for another slot is kept (and the asked slot asked
again), several values in one message are all taken, and a yes counts as confirming the whole form only as
the reply to the summary — never after a re-asked question, never together with a change."""

from actions.forms import appointment as appointment_module
from actions.forms.appointment import ActionAskAppointmentPlace, ValidateAppointmentForm, working_days
from actions.forms.common import today
from actions.forms.evaluation import ValidateEvaluationForm
from actions.forms.workorder import ValidateWorkorderForm
from actions.platform import submission
from tests.actions.conftest import make_tracker, slot_events, texts

REISSUE = "ga-idcard-reissue"
PLACES = ["place:太原市", "place:大同市", "place:长治市", "place:运城市", "place:*"]


def listened_after(action: str) -> list:
    """The events of a bot turn that ended with `action`, then listened."""
    return [{"event": "action", "name": action}, {"event": "action", "name": "action_listen"}]


def day(n: int = 0) -> str:
    return working_days(today(), n + 1)[n].isoformat()


async def run(validator, dispatcher, domain, text, intent, entities=(), form="", **kwargs):
    tracker = make_tracker(text, intent, list(entities), active_loop=form, **kwargs)
    return slot_events(await validator().run(dispatcher, tracker, domain))


async def appointment(dispatcher, domain, text, intent="choose_option", entities=(), **kwargs):
    return await run(ValidateAppointmentForm, dispatcher, domain, text, intent, entities, "appointment_form", **kwargs)


async def workorder(dispatcher, domain, text, intent="ask_question", entities=(), **kwargs):
    return await run(ValidateWorkorderForm, dispatcher, domain, text, intent, entities, "workorder_form", **kwargs)


BOOKING = {
    "appointment_item": REISSUE,
    "appointment_place": "太原市",
    "appointment_slot": "09:00-10:00",
    "appointment_phone": "138****5678",
    "requested_slot": "appointment_confirm",
}
WORK_ORDER = {
    "workorder_kind": "complaint",
    "workorder_content": "小区门口路灯一周都不亮",
    "workorder_location": "小店区长风街88号",
    "workorder_contact": "不留",
    "requested_slot": "workorder_confirm",
}


# 预约 ---------------------------------------------------------------------------------------------------


async def test_a_date_given_when_the_place_was_asked_is_kept_and_the_place_asked_again(sample_kb, dispatcher, domain):
    asked_place = {"appointment_item": REISSUE, "requested_slot": "appointment_place", "candidates": PLACES}
    slots = await appointment(
        dispatcher, domain, "明天吧", entities=[{"entity": "date", "value": day()}], slots=asked_place
    )
    assert slots == {"appointment_date": day()}  # the date is stored as the date, no place is made up
    tracker = make_tracker("明天吧", slots={**asked_place, **slots}, active_loop="appointment_form")
    offered = slot_events(await ActionAskAppointmentPlace().run(dispatcher, tracker, {}))["candidates"]
    assert offered == PLACES and texts(dispatcher)[-1].startswith("您想到哪里办理？")


async def test_several_values_in_one_message_are_all_taken(sample_kb, dispatcher, domain):
    slots = await appointment(
        dispatcher,
        domain,
        "第二个，明天上午9点半，手机13812345678",
        entities=[
            {"entity": "number", "value": "2"},
            {"entity": "date", "value": day()},
            {"entity": "time", "value": "09:30"},
            {"entity": "phone", "value": "13812345678"},
        ],
        slots={"appointment_item": REISSUE, "requested_slot": "appointment_place", "candidates": PLACES},
    )
    assert slots == {
        "appointment_place": "大同市",
        "appointment_date": day(),
        "appointment_slot": "09:00-10:00",
        "appointment_phone": "138****5678",
    }


async def test_a_single_place_is_filled_once_not_at_every_turn(sample_kb, dispatcher, domain, monkeypatch):
    """Re-sending an unchanged value would make every message "answer" the form, so a question in the middle
    of it would never reach the answering rules."""
    one_place = {**sample_kb.get("item", REISSUE), "places": [{"region": "太原市", "address": "太原市政务服务中心"}]}
    monkeypatch.setattr(appointment_module, "_item", lambda tracker: one_place)
    first = await appointment(dispatcher, domain, "我要预约", "make_appointment", slots={"appointment_item": REISSUE})
    assert first["appointment_place"] == "太原市"
    again = await appointment(
        dispatcher,
        domain,
        "要带什么材料",
        "ask_materials",
        slots={"appointment_item": REISSUE, "appointment_place": "太原市", "requested_slot": "appointment_date"},
    )
    assert again == {}


async def test_a_landline_at_the_summary_is_refused_and_a_mobile_asked_for(sample_kb, dispatcher, domain):
    submission.keep_private(submission.TrackerContext("u-test"), "appointment_phone", "13812345678")
    slots = await appointment(
        dispatcher,
        domain,
        "确认，电话换成0351-5681231",
        "affirm",
        [{"entity": "phone", "value": "0351-5681231"}],
        slots={**BOOKING, "appointment_date": day()},
        before=listened_after("appointment_form"),
    )
    assert slots == {"appointment_phone": None, "appointment_confirm": None}
    assert texts(dispatcher)[-1] == "预约短信要发到手机上，请留一个手机号码。"


async def test_yes_with_a_change_shows_the_summary_again_instead_of_booking(sample_kb, dispatcher, domain):
    slots = await appointment(
        dispatcher,
        domain,
        "对，改成后天",
        "affirm",
        [{"entity": "date", "value": day(1)}],
        slots={**BOOKING, "appointment_date": day()},
        before=listened_after("appointment_form"),
    )
    assert slots["appointment_date"] == day(1) and slots["appointment_slot"] is None
    assert slots["appointment_confirm"] is None  # not confirmed: the time is asked, then the new summary


async def test_the_same_phone_again_is_no_change(sample_kb, dispatcher, domain):
    submission.keep_private(submission.TrackerContext("u-test"), "appointment_phone", "13812345678")
    slots = await appointment(
        dispatcher,
        domain,
        "确认，手机13812345678",
        "affirm",
        [{"entity": "phone", "value": "13812345678"}],
        slots={**BOOKING, "appointment_date": day()},
        before=listened_after("appointment_form"),
    )
    assert slots == {"appointment_confirm": True}


async def test_yes_after_another_reply_is_not_a_confirmation(sample_kb, dispatcher, domain):
    """The summary was asked, but an answer (a question in between) spoke last: "确认" now confirms
    nothing — the form shows the summary again."""
    slots = await appointment(
        dispatcher,
        domain,
        "确认",
        "affirm",
        slots={**BOOKING, "appointment_date": day()},
        before=listened_after("action_answer_question"),
    )
    assert slots == {"appointment_confirm": None}


async def test_yes_after_a_re_asked_question_is_not_a_confirmation(sample_kb, dispatcher, domain):
    """The summary, then "换成大后天" made the form ask the time again: "好的" answers no question."""
    slots = await appointment(
        dispatcher,
        domain,
        "好的",
        "affirm",
        slots={**BOOKING, "appointment_date": day(2), "appointment_slot": None, "requested_slot": "appointment_slot"},
        before=listened_after("appointment_form"),
    )
    assert "appointment_confirm" not in slots or slots["appointment_confirm"] is None


# 投诉 / 建议 -----------------------------------------------------------------------------------------------


async def test_a_phone_given_when_the_place_was_asked_is_the_contact(sample_kb, dispatcher, domain):
    slots = await workorder(
        dispatcher,
        domain,
        "13812345678",
        "choose_option",
        [{"entity": "phone", "value": "13812345678"}],
        slots={
            **WORK_ORDER,
            "workorder_location": None,
            "workorder_contact": None,
            "requested_slot": "workorder_location",
        },
    )
    assert slots == {"workorder_contact": "138****5678"}  # the place is asked again, never "13812345678"


async def test_place_and_phone_in_one_answer_are_both_taken(sample_kb, dispatcher, domain):
    slots = await workorder(
        dispatcher,
        domain,
        "小店区长风街88号，电话13812345678",
        "ask_location",
        [{"entity": "phone", "value": "13812345678"}],
        slots={
            **WORK_ORDER,
            "workorder_location": None,
            "workorder_contact": None,
            "requested_slot": "workorder_location",
        },
    )
    assert slots == {"workorder_location": "小店区长风街88号", "workorder_contact": "138****5678"}


async def test_the_place_inside_the_content_is_kept(sample_kb, dispatcher, domain):
    text = "小区门口路灯一周都不亮，地点是小店区长风街88号"
    slots = await workorder(
        dispatcher, domain, text, slots={"workorder_kind": "complaint", "requested_slot": "workorder_content"}
    )
    assert slots == {"workorder_content": text, "workorder_location": "小店区长风街88号"}


async def test_a_place_given_when_the_content_was_asked_is_not_the_content(sample_kb, dispatcher, domain):
    slots = await workorder(
        dispatcher,
        domain,
        "地址是迎泽区柳巷",
        "ask_location",
        slots={"workorder_kind": "complaint", "requested_slot": "workorder_content"},
    )
    assert slots == {"workorder_location": "迎泽区柳巷"}


async def test_yes_is_never_a_place(sample_kb, dispatcher, domain):
    slots = await workorder(
        dispatcher,
        domain,
        "好的",
        "affirm",
        slots={
            **WORK_ORDER,
            "workorder_location": None,
            "workorder_contact": None,
            "requested_slot": "workorder_location",
        },
    )
    assert slots == {"workorder_location": None}  # asked again


async def test_a_correction_at_the_summary_is_taken_and_not_confirmed(sample_kb, dispatcher, domain):
    slots = await workorder(
        dispatcher,
        domain,
        "对，地点改成迎泽区柳巷",
        "affirm",
        slots=WORK_ORDER,
        before=listened_after("workorder_form"),
    )
    assert slots == {"workorder_location": "迎泽区柳巷", "workorder_confirm": None}
    more = await workorder(
        dispatcher,
        domain,
        "补充：晚上七点以后才不亮",
        "ask_question",
        slots=WORK_ORDER,
        before=listened_after("workorder_form"),
    )
    assert more == {"workorder_content": "小区门口路灯一周都不亮；晚上七点以后才不亮"}


async def test_work_order_confirmation_only_as_the_reply_to_the_summary(sample_kb, dispatcher, domain):
    assert await workorder(
        dispatcher, domain, "确认", "affirm", slots=WORK_ORDER, before=listened_after("workorder_form")
    ) == {"workorder_confirm": True}
    assert await workorder(
        dispatcher, domain, "确认", "affirm", slots=WORK_ORDER, before=listened_after("action_default_fallback")
    ) == {"workorder_confirm": None}


async def test_a_prefilled_content_is_not_asked_again(sample_kb, dispatcher, domain):
    """The content set before the form starts (e.g. from a long 12345 message) stays; the form goes on."""
    slots = await workorder(
        dispatcher,
        domain,
        "我要投诉",
        "complaint",
        slots={"workorder_kind": "complaint", "workorder_content": "领导您好，****小区的路灯坏了一个月了"},
    )
    assert slots == {}


# 好差评 --------------------------------------------------------------------------------------------------


async def evaluation(dispatcher, domain, text, intent="evaluate", entities=(), **kwargs):
    return await run(ValidateEvaluationForm, dispatcher, domain, text, intent, entities, "evaluation_form", **kwargs)


async def test_rating_and_comment_in_one_message(sample_kb, dispatcher, domain):
    assert await evaluation(dispatcher, domain, "非常满意，回答很及时", slots={"requested_slot": "rating"}) == {
        "rating": 5,
        "rating_comment": "非常满意，回答很及时",
    }
    only = await evaluation(dispatcher, domain, "打5分", entities=[{"entity": "number", "value": "5"}])
    assert only == {"rating": 5}  # nothing more: the comment is still asked


async def test_a_new_rating_at_the_comment_step_is_not_the_comment(sample_kb, dispatcher, domain):
    slots = await evaluation(
        dispatcher,
        domain,
        "还是改成4分吧",
        "ask_question",
        [{"entity": "number", "value": "4"}],
        slots={"rating": 2, "requested_slot": "rating_comment"},
    )
    assert slots == {"rating": 4}
