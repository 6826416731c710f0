"""The fallback ladder: clarify → search results → 转人工, one step per consecutive miss."""

from actions.answers.question import ActionAnswerQuestion
from actions.dialogue.fallback import ActionFallbackLadder, ActionHumanHandoff, step_of_this_turn
from tests.actions.conftest import make_tracker, slot_events
from tests.conftest import no_default_addresses

PREVIOUS_USER = {"event": "user", "text": "前一句", "parse_data": {}}


def missed_turn(step):
    return [
        PREVIOUS_USER,
        {"event": "action", "name": "action_fallback_ladder"},
        {"event": "slot", "name": "fallback_step", "value": step},
        {"event": "action", "name": "action_listen"},
    ]


def test_step_counts_only_the_previous_turn():
    assert step_of_this_turn(make_tracker("x")) == 1
    assert step_of_this_turn(make_tracker("x", before=missed_turn(1))) == 2
    assert step_of_this_turn(make_tracker("x", before=missed_turn(2))) == 3
    understood = missed_turn(1) + [PREVIOUS_USER, {"event": "action", "name": "action_answer_question"}]
    assert step_of_this_turn(make_tracker("x", before=understood)) == 1


async def test_first_miss_asks_one_clarifying_question(sample_kb, dispatcher):
    events = await ActionFallbackLadder().run(dispatcher, make_tracker("嗯那个啥", "nlu_fallback"), {})
    (message,) = dispatcher.messages
    assert message["text"] == "抱歉，我没太明白。您是想办哪类事情？请回复序号，也可以换个说法再说一次："
    assert [b["title"] for b in message["buttons"]] == ["查办事指南", "查办件进度", "预约办理", "投诉建议", "转人工"]
    assert message["buttons"][0]["payload"] == '/choose_option{"number": "1"}'
    assert slot_events(events) == {
        "fallback_step": 1,
        "candidates": [
            "service:guide",
            "service:progress",
            "service:appointment",
            "service:complaint",
            "service:handoff",
        ],
    }


async def test_second_miss_shows_search_results_as_choices(sample_kb, dispatcher):
    events = await ActionFallbackLadder().run(
        dispatcher, make_tracker("房子过户那个事儿咋弄", "nlu_fallback", before=missed_turn(1)), {}
    )
    (message,) = dispatcher.messages
    assert message["text"] == "还是没能确定您的意思。知识库里这几条可能相关，请回复序号查看："
    slots = slot_events(events)
    assert slots["fallback_step"] == 2 and 1 <= len(slots["candidates"]) <= 3
    assert len(message["buttons"]) == len(slots["candidates"])
    assert any("过户" in b["title"] for b in message["buttons"])


async def test_third_miss_hands_over_to_a_person(sample_kb, dispatcher):
    events = await ActionFallbackLadder().run(
        dispatcher, make_tracker("啊啊啊", "nlu_fallback", slots={"item": "rs-sscard-apply"}, before=missed_turn(2)), {}
    )
    message = dispatcher.messages[0]["custom"]
    assert message["type"] == "handoff" and message["hotline"] == "12345"
    assert message["text"].split("\n") == [
        "抱歉，这个问题我还回答不好。",
        "人工服务请拨打 12345 政务服务便民热线（24 小时有人接听），也可以在三晋通APP“12345投诉建议”中留言。",
        "关于【社会保障卡申领】，也可以拨打山西省人力资源和社会保障厅咨询电话 12333。",
    ]
    assert slot_events(events) == {"fallback_step": 3, "candidates": None}


async def test_human_handoff_on_request(sample_kb, dispatcher):
    events = await ActionHumanHandoff().run(dispatcher, make_tracker("转人工", "human_handoff"), {})
    assert dispatcher.messages[0]["custom"]["text"].startswith("人工服务请拨打 12345 政务服务便民热线")
    assert slot_events(events) == {"fallback_step": None}


async def test_a_question_retrieval_cannot_answer_climbs_the_ladder(mini_store, mini_index, monkeypatch, dispatcher):
    import actions.resources as resources
    import settings

    monkeypatch.setenv("DATABASE_URL", mini_store.url)
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(mini_index))
    no_default_addresses(monkeypatch)
    settings.reset_settings_cache()
    resources.knowledge_store.cache_clear()
    resources.searcher.cache_clear()
    try:
        events = await ActionAnswerQuestion().run(dispatcher, make_tracker("火星移民签证怎么办"), {})
    finally:
        settings.reset_settings_cache()
        resources.knowledge_store.cache_clear()
        resources.searcher.cache_clear()
    assert dispatcher.messages[0]["text"].startswith("抱歉，我没太明白。")
    assert slot_events(events)["fallback_step"] == 1
