"""action_intake_prefill: the 12345 message becomes the work order's content before the form (and the login
check) run, so the form never asks for it again; a request for help is told about 110/119/120 first."""

from actions import wording
from actions.dialogue.intake import ActionIntakePrefill, content_of
from actions.forms.workorder import ValidateWorkorderForm
from tests.actions.conftest import make_tracker, said, slot_events, texts

LONG = "领导您好，****小区门口的下水井盖丢了三天了，晚上黑看不见，已经有人掉进去受伤，请尽快派人来修。"


async def test_a_long_complaint_prefills_the_content(dispatcher, domain):
    events = await ActionIntakePrefill().run(dispatcher, make_tracker(LONG, "complaint"), domain)
    assert slot_events(events) == {"workorder_content": LONG}
    assert texts(dispatcher) == []


async def test_a_bare_trigger_prefills_nothing(dispatcher, domain):
    events = await ActionIntakePrefill().run(dispatcher, make_tracker("我要投诉", "complaint"), domain)
    assert slot_events(events) == {}


async def test_a_request_for_help_is_a_work_order_and_names_the_emergency_numbers(dispatcher, domain):
    text = "求助，我家老人在家摔倒了起不来，孩子都在外地，能不能帮忙联系社区来看看"
    events = await ActionIntakePrefill().run(dispatcher, make_tracker(text, "help_request"), domain)
    assert slot_events(events) == {"workorder_kind": "help_request", "workorder_content": text}
    assert said(dispatcher) == ["utter_help_request_received"]
    for elder in (False, True):
        text = wording.text("utter_help_request_received", elder)
        assert "110" in text and "12345" in text


async def test_the_form_keeps_the_prefilled_content(sample_kb, dispatcher, domain):
    tracker = make_tracker(LONG, "complaint", [], {"workorder_content": LONG}, active_loop="workorder_form")
    events = slot_events(await ValidateWorkorderForm().run(dispatcher, tracker, domain))
    assert events.get("workorder_content", LONG) == LONG


def test_content_is_capped_at_what_the_platform_accepts():
    assert len(content_of("投诉" + "楼下噪音" * 800)) == 2000


def test_a_button_payload_is_never_the_content():
    from actions.dialogue.intake import content_of

    assert content_of('/complaint{"workorder_kind": "complaint"}') == ""
    assert content_of("/suggestion") == ""
