"""action_choose_option: the citizen's pick among numbered choices ("第二个", "2", "就是补领那个")."""

import pytest

from actions.dialogue.choices import pick_by_name
from actions.dialogue.disambiguation import ActionChooseOption
from tests.actions.conftest import make_tracker, said, slot_events, texts

ID_CARDS = ["item:ga-idcard-first", "item:ga-idcard-reissue", "item:ga-idcard-renew", "item:ga-idcard-temp"]
TITLES = ["居民身份证首次申领", "居民身份证补领", "居民身份证换领", "临时居民身份证"]


async def choose(dispatcher, text, entities=(), **slots):
    tracker = make_tracker(text, "choose_option", list(entities), slots)
    return await ActionChooseOption().run(dispatcher, tracker, {})


@pytest.mark.parametrize(
    "text, index",
    [("就是补领那个", 1), ("换领的", 2), ("临时的那个", 3), ("首次申领", 0), ("身份证", None), ("好的", None)],
)
def test_pick_by_part_of_a_name(text, index):
    assert pick_by_name(text, TITLES) == index


async def test_a_number_picks_and_answers_what_was_asked(sample_kb, dispatcher):
    events = await choose(
        dispatcher, "第二个", [{"entity": "number", "value": "2"}], candidates=ID_CARDS, pending_aspect="materials"
    )
    assert texts(dispatcher)[0].startswith("【居民身份证补领】所需材料：")
    assert slot_events(events) == {"item": "ga-idcard-reissue", "pending_aspect": None, "candidates": None}


async def test_part_of_a_name_picks(sample_kb, dispatcher):
    await choose(dispatcher, "就是换领那个", candidates=ID_CARDS, pending_aspect="fee")
    assert texts(dispatcher)[0].startswith("【居民身份证换领】收费标准：")


async def test_without_a_pending_question_the_whole_guide(sample_kb, dispatcher):
    await choose(dispatcher, "4", [{"entity": "number", "value": "4"}], candidates=ID_CARDS)
    assert dispatcher.messages[0]["custom"]["title"] == "临时居民身份证"


async def test_an_unclear_pick_offers_the_same_choices_again(sample_kb, dispatcher):
    events = await choose(dispatcher, "9", [{"entity": "number", "value": "9"}], candidates=ID_CARDS)
    assert dispatcher.messages[0]["text"] == "没对上您选的是哪一项，请回复序号（比如“1”）或点选："
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == TITLES
    assert slot_events(events)["candidates"] == ID_CARDS


async def test_a_pick_when_nothing_was_offered_is_a_miss(sample_kb, dispatcher):
    events = await choose(dispatcher, "就那个那个", [])
    assert dispatcher.messages[0]["text"].startswith("抱歉，我没太明白。")
    assert slot_events(events)["fallback_step"] == 1


async def test_picking_a_search_result_faq_answers_it_and_sets_its_item(sample_kb, dispatcher):
    events = await choose(
        dispatcher, "1", [{"entity": "number", "value": "1"}], candidates=["faq:faq-bdc-001", "item:ga-idcard-first"]
    )
    message = dispatcher.messages[0]["custom"]
    assert message["sources"] == [{"type": "faq", "id": "faq-bdc-001", "title": "买二手房过户需要带什么材料？"}]
    assert message["text"].startswith("买卖双方一般需带：身份证、户口簿")
    assert slot_events(events)["item"] == "bdc-transfer-secondhand"


async def test_elder_menu_stays_open_for_the_next_digit(sample_kb, dispatcher):
    menu = ["aspect:materials", "aspect:location", "aspect:fee"]
    events = await choose(
        dispatcher,
        "3",
        [{"entity": "number", "value": "3"}],
        candidates=menu,
        item="ga-residence-permit",
        elder_mode=True,
    )
    assert texts(dispatcher)[0].startswith("居住证，收费标准：")
    assert "candidates" not in slot_events(events)


async def test_a_package_pick_shows_it_and_its_items(sample_kb, dispatcher):
    events = await choose(dispatcher, "1", [{"entity": "number", "value": "1"}], candidates=["package:pk-marriage"])
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "pk-marriage"
    assert slot_events(events)["candidates"] == [
        "item:mz-marriage",
        "item:wj-birth-registration",
        "item:ga-hukou-move-in",
    ]


SERVICES = ["service:guide", "service:progress", "service:appointment", "service:complaint", "service:handoff"]


async def test_picking_a_kind_of_help_from_the_clarifying_question(sample_kb, dispatcher):
    guide = await choose(dispatcher, "1", [{"entity": "number", "value": "1"}], candidates=SERVICES, fallback_step=1)
    assert said(dispatcher)[-1] == "utter_ask_which_item"
    assert slot_events(guide) == {"candidates": None, "fallback_step": None, "pending_aspect": "guide"}
    progress = await choose(dispatcher, "2", [{"entity": "number", "value": "2"}], candidates=SERVICES)
    assert progress[-1] == {"event": "followup", "timestamp": None, "name": "progress_form"}
    await choose(dispatcher, "转人工", candidates=SERVICES)
    assert dispatcher.messages[-1]["custom"]["type"] == "handoff"


async def test_a_personal_service_needs_a_login_first(sample_kb, dispatcher):
    events = await choose(dispatcher, "3", [{"entity": "number", "value": "3"}], candidates=SERVICES)
    assert dispatcher.messages[-1]["custom"]["type"] == "link" and slot_events(events)["logged_in"] is False
    tracker = make_tracker(
        "4",
        "choose_option",
        [{"entity": "number", "value": "4"}],
        {"candidates": SERVICES},
        metadata={"identity_token": "tok"},
    )
    events = await ActionChooseOption().run(dispatcher, tracker, {})
    assert slot_events(events)["workorder_kind"] == "complaint"
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "workorder_form"}
