"""投诉/建议 form and its submission as a 12345 work order."""

from actions.forms.workorder import ActionAskWorkorderConfirm, ActionSubmitWorkorder, ValidateWorkorderForm
from actions.platform import submission
from tests.actions.conftest import make_tracker, slot_events, texts


async def validate(dispatcher, domain, text, intent="complaint", entities=(), **slots):
    tracker = make_tracker(text, intent, list(entities), slots, active_loop="workorder_form")
    return slot_events(await ValidateWorkorderForm().run(dispatcher, tracker, domain))


async def test_a_complaint_that_already_says_what(sample_kb, dispatcher, domain):
    assert await validate(dispatcher, domain, "我要投诉小区门口路灯一周都不亮") == {
        "workorder_content": "我要投诉小区门口路灯一周都不亮"
    }
    assert await validate(dispatcher, domain, "我要投诉") == {}


async def test_each_step_takes_free_text_and_can_be_skipped(sample_kb, dispatcher, domain):
    assert await validate(
        dispatcher, domain, "窗口人员态度很差还推诿", "ask_question", requested_slot="workorder_content"
    ) == {"workorder_content": "窗口人员态度很差还推诿"}
    assert await validate(
        dispatcher, domain, "小店区长风街88号", "ask_location", requested_slot="workorder_location"
    ) == {"workorder_location": "小店区长风街88号"}
    assert await validate(dispatcher, domain, "跳过", "deny", requested_slot="workorder_location") == {
        "workorder_location": "未提供"
    }
    assert await validate(dispatcher, domain, "不留了", "deny", requested_slot="workorder_contact") == {
        "workorder_contact": "不留"
    }


async def test_a_stop_word_at_the_content_step_is_no_content(sample_kb, dispatcher, domain):
    assert await validate(dispatcher, domain, "算了", "deny", requested_slot="workorder_content") == {}


async def test_contact_phone_is_kept_private(sample_kb, dispatcher, domain):
    slots = await validate(
        dispatcher,
        domain,
        "0351-5681231",
        "choose_option",
        [{"entity": "phone", "value": "0351-5681231"}],
        requested_slot="workorder_contact",
    )
    assert slots == {"workorder_contact": "035****1231"}
    assert submission.recall_private(submission.TrackerContext("u-test"), "workorder_contact") == "0351-5681231"


async def test_confirm_question_names_the_kind(sample_kb, dispatcher):
    tracker = make_tracker(
        "",
        slots={
            "workorder_kind": "suggestion",
            "workorder_content": "建议周末开放窗口",
            "workorder_location": "未提供",
            "workorder_contact": "不留",
        },
    )
    await ActionAskWorkorderConfirm().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == (
        "请核对您的建议：\n类型：建议\n内容：建议周末开放窗口\n地点：未提供\n联系电话：不留\n确认提交到 12345 吗？"
    )


async def test_submit_creates_one_work_order_with_the_raw_phone(api, dispatcher):
    ctx = submission.TrackerContext("citizen-w")
    submission.keep_private(ctx, "workorder_contact", "13812345678")
    slots = {
        "workorder_kind": "complaint",
        "workorder_content": "路灯一周不亮",
        "workorder_location": "小店区长风街",
        "workorder_contact": "138****5678",
        "workorder_confirm": True,
    }
    tracker = make_tracker(
        "确认", "affirm", slots=slots, metadata={"identity_token": api.token("citizen-w")}, sender="citizen-w"
    )
    events = await ActionSubmitWorkorder().run(dispatcher, tracker, {})
    await ActionSubmitWorkorder().run(dispatcher, tracker, {})  # sent twice: still one work order
    orders = api.listing("workorders", "citizen-w")
    assert [(o["kind"], o["content"], o["location"], o["contact_phone"]) for o in orders] == [
        ("complaint", "路灯一周不亮", "小店区长风街", "13812345678")
    ]
    assert texts(dispatcher)[0] == (
        f"您的投诉已提交到 12345，工单编号：{orders[0]['workorder_no']}。\n"
        "承办单位会尽快处理，您可以随时发送工单编号查询办理进度。"
    )
    assert slot_events(events)["workorder_content"] is None


async def test_submit_without_location_or_contact(api, dispatcher):
    slots = {
        "workorder_kind": "suggestion",
        "workorder_content": "建议延长办公时间",
        "workorder_location": "未提供",
        "workorder_contact": "不留",
        "workorder_confirm": True,
    }
    tracker = make_tracker(
        "确认", "affirm", slots=slots, metadata={"identity_token": api.token("citizen-s")}, sender="citizen-s"
    )
    await ActionSubmitWorkorder().run(dispatcher, tracker, {})
    (order,) = api.listing("workorders", "citizen-s")
    assert (order["kind"], order["location"], order["contact_phone"]) == ("suggestion", None, None)
