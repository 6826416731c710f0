"""action_answer_aspect: one part of the guide for the item in question, context carry-over, choices."""

from actions.answers.aspect import ActionAnswerAspect
from tests.actions.conftest import make_tracker, said, slot_events, texts

REISSUE = "ga-idcard-reissue"
ID_CARDS = ["ga-idcard-first", "ga-idcard-reissue", "ga-idcard-renew", "ga-idcard-temp"]


async def run(dispatcher, *args, **kwargs):
    return await ActionAnswerAspect().run(dispatcher, make_tracker(*args, **kwargs), {})


async def test_materials_of_a_named_item_with_source_and_date(sample_kb, dispatcher):
    events = await run(dispatcher, "补办身份证要带什么", "ask_materials", [{"entity": "item", "value": REISSUE}])
    item = sample_kb.get("item", REISSUE)
    (message,) = dispatcher.messages
    lines = message["custom"]["text"].split("\n")
    assert lines[0] == "【居民身份证补领】所需材料："
    assert lines[1].startswith("1. 居民户口簿（原件1份）") and lines[2].startswith(
        "2. 本人近期免冠彩色人像（电子版1份）"
    )
    assert lines[-1] == f"（信息更新于 {item['updated_at']}）"
    assert message["custom"]["sources"] == [{"type": "item", "id": REISSUE, "title": "居民身份证补领"}]
    assert slot_events(events) == {"item": REISSUE, "pending_aspect": None, "candidates": None}


async def test_follow_up_without_the_item_name_uses_the_context(sample_kb, dispatcher):
    await run(dispatcher, "那要多少钱", "ask_fee", slots={"item": REISSUE})
    text = texts(dispatcher)[0]
    assert text.startswith("【居民身份证补领】收费标准：\n工本费20元/证")


async def test_place_and_hours_follow_the_citizens_city(sample_kb, dispatcher):
    await run(dispatcher, "在哪办", "ask_location", slots={"item": REISSUE}, metadata={"region": "大同市"})
    assert "大同市政务服务中心" in texts(dispatcher)[0] and "办公时间：周一至周五 8:30-12:00" in texts(dispatcher)[0]


async def test_time_answer_gives_time_limit_and_office_hours(sample_kb, dispatcher):
    await run(dispatcher, "要多久", "ask_time", slots={"item": REISSUE})
    text = texts(dispatcher)[0]
    assert text.split("\n")[1].startswith("承诺时限：省内受理的15个工作日内制证发放") and "\n办公时间：" in text


async def test_several_matching_items_become_numbered_choices(sample_kb, dispatcher):
    events = await run(dispatcher, "身份证要什么材料", "ask_materials", [{"entity": "document", "value": "居民身份证"}])
    (message,) = dispatcher.messages
    assert message["text"] == "您问的是下面哪一项？请回复序号，或点选："
    assert [b["payload"] for b in message["buttons"]] == [f'/choose_option{{"number": "{n}"}}' for n in range(1, 5)]
    slots = slot_events(events)
    assert sorted(r.split(":")[1] for r in slots["candidates"]) == ID_CARDS
    assert slots["pending_aspect"] == "materials"


async def test_no_item_known_asks_which_and_keeps_the_question(sample_kb, dispatcher):
    events = await run(dispatcher, "要带什么材料", "ask_materials")
    assert said(dispatcher)[0] == "utter_ask_which_item"
    assert slot_events(events) == {"pending_aspect": "materials"}


async def test_a_topic_that_is_no_item_is_answered_from_its_faq(sample_kb, dispatcher):
    events = await run(dispatcher, "12345热线在哪里投诉", "ask_location")
    answer = dispatcher.messages[0]["custom"]
    assert answer["sources"][0]["type"] == "faq" and "12345" in answer["text"]
    assert "pending_aspect" not in slot_events(events) or slot_events(events)["pending_aspect"] is None


async def test_naming_the_item_answers_the_kept_question(sample_kb, dispatcher):
    await run(dispatcher, "居住证", "ask_guide", slots={"pending_aspect": "fee"})
    assert texts(dispatcher)[0].startswith("【居住证】收费标准：")


async def test_the_whole_guide_as_a_card(sample_kb, dispatcher):
    events = await run(
        dispatcher, "居住证的办事指南", "ask_guide", [{"entity": "item", "value": "ga-residence-permit"}]
    )
    card = dispatcher.messages[0]["custom"]
    assert (
        card["type"] == "guide_card" and card["title"] == "居住证" and card["sources"][0]["id"] == "ga-residence-permit"
    )
    assert slot_events(events)["item"] == "ga-residence-permit"


async def test_elder_mode_short_lines_and_hotline(sample_kb, dispatcher):
    await run(dispatcher, "要多少钱", "ask_fee", slots={"item": REISSUE, "elder_mode": True})
    lines = texts(dispatcher)[0].split("\n")
    assert lines[0] == "居民身份证补领，收费标准："
    assert lines[-1] == "不清楚的，可以拨打 12345 热线，有人工帮您。"
    assert all(len(line) <= 80 for line in lines)


async def test_elder_mode_guide_is_one_step_at_a_time(sample_kb, dispatcher):
    events = await run(
        dispatcher,
        "居住证怎么办理流程",
        "ask_guide",
        [{"entity": "item", "value": "ga-residence-permit"}],
        metadata={"elder_mode": True},
    )
    assert texts(dispatcher)[0] == "好的，说说【居住证】。"
    menu = dispatcher.messages[1]
    assert [b["title"] for b in menu["buttons"]] == [
        "要带什么材料",
        "去哪里办",
        "要不要钱",
        "要多长时间",
        "能不能在手机上办",
        "谁可以办",
    ]
    assert menu["text"].endswith("12345 热线，有人工帮您。")
    assert slot_events(events)["candidates"][0] == "aspect:materials"


async def test_a_faq_asking_this_very_question_goes_before_the_guides_part(sample_kb, dispatcher):
    # "给多少钱" reads as ask_fee, but the 低保 guide's 收费 section (the service is free) does not answer it
    await run(dispatcher, "低保一个月给多少钱", "ask_fee", [{"entity": "item", "value": "mz-dibao"}])
    answer = dispatcher.messages[0]["custom"]
    assert answer["sources"][0] == {"type": "faq", "id": "faq-mz-014", "title": answer["sources"][0]["title"]}
    # carried over from the conversation, the item's own guide answers the follow-up
    followed = type(dispatcher)()
    await run(followed, "要多少钱", "ask_fee", slots={"item": "mz-dibao"})
    assert texts(followed)[0].startswith("【")


async def test_a_faq_asking_whether_one_qualifies_goes_before_the_guides_conditions(sample_kb, dispatcher):
    # "还能申请吗" reads as ask_conditions, but the FAQ that asks exactly this answers it better than the guide's
    # whole 办理条件 section (the FAQ's cosine 0.97, the guide's 0.95)
    await run(dispatcher, "儿子有工作 我还能申请低保吗", "ask_conditions", [{"entity": "item", "value": "mz-dibao"}])
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-mz-015"


async def test_an_item_named_with_only_how_or_how_soon_is_answered_from_its_guide_without_retrieval(
    sample_kb, dispatcher, monkeypatch
):
    """Questions such as "港澳通行证办一个多少钱", "结婚登记网上能办吗" ask no more than the guide's part says: the FAQ search (and
    its sentence vector) is not run; "残疾证在哪办" names another thing than 残疾人两项补贴 and still searches."""
    import actions.answers.aspect as aspect

    searched = []
    real_retrieve = aspect.retrieve
    monkeypatch.setattr(aspect, "retrieve", lambda text: searched.append(text) or real_retrieve(text))
    await run(dispatcher, "港澳通行证办一个多少钱", "ask_fee", [{"entity": "item", "value": "ga-hk-macau-permit"}])
    assert texts(dispatcher)[0].startswith("【") and "】收费标准：" in texts(dispatcher)[0]
    online = type(dispatcher)()
    await run(online, "结婚登记网上能办吗", "ask_online", [{"entity": "item", "value": "mz-marriage"}])
    assert texts(online)[0].startswith("【") and searched == []
    other = type(dispatcher)()
    await run(other, "残疾证在哪办", "ask_location", [{"entity": "item", "value": "mz-disability-subsidy"}])
    assert searched == ["残疾证在哪办"]


async def test_an_item_only_guessed_from_a_shared_word_yields_to_what_retrieval_is_sure_of(sample_kb, dispatcher):
    # "救助"/"补助" words are all this question shares with 丧葬补助金: the FAQ retrieval is sure of is the answer,
    # not the 时限 of that guide
    await run(dispatcher, "困难家庭救助多久有结果", "ask_time")
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-mz-025"


async def test_a_payment_asked_without_an_item_is_answered_by_its_app(sample_kb, dispatcher):
    """ask_fee with no item known: retrieval is sure of the 缴费 app, which is the answer, not "哪个事项？"."""
    events = await run(dispatcher, "交暖气费", "ask_fee")
    answer = dispatcher.messages[0]["custom"]
    assert answer["sources"][0] == {"type": "app", "id": "app-utilities-payment", "title": "水电气缴费"}
    assert "utter_ask_which_item" not in said(dispatcher)
    assert "pending_aspect" not in slot_events(events) or slot_events(events)["pending_aspect"] is None
