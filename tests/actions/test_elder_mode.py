"""长辈模式: turned on by the channel or by the citizen, off only by the citizen."""

from actions.answers.question import ActionAnswerQuestion
from actions.dialogue.elder_mode import ActionElderMode, ActionSyncChannelFlags, is_on, short_sentences, with_hotline
from tests.actions.conftest import make_tracker, said, slot_events, texts

PROFILE_SLOTS = {"platform_short": "三晋通", "hotline": "12345"}


async def test_channel_metadata_turns_it_on_and_sets_the_region(sample_kb, dispatcher):
    events = await ActionSyncChannelFlags().run(
        dispatcher, make_tracker("你好", metadata={"elder_mode": True, "region": "太原市"}), {}
    )
    # the profile's values for the responses Rasa says itself ({platform_short}, {hotline}) come along
    assert slot_events(events) == {"elder_mode": True, "region": "太原市", **PROFILE_SLOTS}


async def test_channel_without_elder_mode_does_not_turn_it_off(sample_kb, dispatcher):
    slots = {"elder_mode": True, "region": "太原市", **PROFILE_SLOTS}
    tracker = make_tracker("你好", slots=slots, metadata={"elder_mode": False, "region": "太原市"})
    assert await ActionSyncChannelFlags().run(dispatcher, tracker, {}) == []


async def test_citizen_turns_it_on_and_off(dispatcher):
    on = await ActionElderMode().run(dispatcher, make_tracker("字大一点，说简单点", "elder_mode"), {})
    off = await ActionElderMode().run(
        dispatcher, make_tracker("关闭长辈模式", "elder_mode", slots={"elder_mode": True}), {}
    )
    assert slot_events(on) == {"elder_mode": True} and slot_events(off) == {"elder_mode": False}
    assert said(dispatcher) == ["utter_elder_mode_on", "utter_elder_mode_off"]


def test_helpers():
    assert is_on(make_tracker("x", metadata={"elder_mode": True})) and not is_on(make_tracker("x"))
    assert short_sentences("第一句。第二句；第三句") == ["第一句。", "第二句；", "第三句"]
    assert with_hotline(["好的。"]) == "好的。\n不清楚的，可以拨打 12345 热线，有人工帮您。"


async def test_faq_answers_are_cut_into_short_lines_with_the_hotline(sample_kb, dispatcher):
    events = await ActionAnswerQuestion().run(
        dispatcher, make_tracker("房子还有贷款没还完能卖吗", slots={"elder_mode": True}), {}
    )
    lines = texts(dispatcher)[0].split("\n")
    assert len(lines) >= 3 and lines[-1] == "不清楚的，可以拨打 12345 热线，有人工帮您。"
    assert all(line.endswith(("。", "；", "，", "：")) or line == lines[-1] or len(line) < 60 for line in lines)
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-bdc-005"
    assert slot_events(events)["item"] == "bdc-transfer-secondhand"
