"""The fallback ladder through /api/chat: clarify → search results → 转人工 (12345)."""

import pytest

from tests.dialogue.conftest import buttons, texts

pytestmark = pytest.mark.stack

# Messages the NLU does not understand (checked: each comes back as nlu_fallback).
# the second names nothing the NLU knows ("过户" would make it a question about 过户) but shares a word with
# the knowledge base, so that the ladder's second step has search results to show
UNCLEAR = ["吧啦吧啦", "叽里咕噜手续", "啊这"]


def test_three_misses_climb_the_ladder_and_an_understood_turn_resets_it(talk):
    first = talk(UNCLEAR[0])
    assert first["intent"]["name"] == "nlu_fallback"
    assert texts(first)[0].startswith("抱歉，我没太明白。您是想办哪类事情？")
    assert [b["title"] for b in buttons(first)] == ["查办事指南", "查办件进度", "预约办理", "投诉建议", "转人工"]
    second = talk(UNCLEAR[1])
    assert second["intent"]["name"] == "nlu_fallback"
    assert texts(second)[0].startswith("还是没能确定您的意思。知识库里这几条可能相关")
    assert 1 <= len(buttons(second)) <= 3
    third = talk(UNCLEAR[2])
    assert third["intent"]["name"] == "nlu_fallback"
    handoff = third["messages"][0]
    assert handoff["type"] == "handoff" and handoff["hotline"] == "12345"
    assert handoff["text"].startswith("抱歉，这个问题我还回答不好。\n人工服务请拨打 12345 政务服务便民热线")
    assert talk("你好")["intent"]["name"] == "greet"
    restart = talk(UNCLEAR[0])
    assert texts(restart)[0].startswith("抱歉，我没太明白。")  # understood in between: step 1 again


def test_a_search_result_can_be_picked(talk):
    talk(UNCLEAR[0])
    results = talk(UNCLEAR[1])
    offered = buttons(results)
    picked = talk("1")
    assert picked["sources"] and picked["sources"][0]["title"] == offered[0]["title"]


def test_a_kind_of_help_can_be_picked_by_its_number(talk):
    talk(UNCLEAR[0])
    picked = talk("2")  # 查办件进度
    assert texts(picked)[0] == "请提供办件编号（申办编号 SX…、工单编号 GD… 或预约编号 YY…），例如 SX2026112300001。"
    assert texts(picked)[1].startswith("不知道编号的话") and len(texts(picked)) == 2


def test_a_vague_pick_with_nothing_offered_is_a_miss_too(talk):
    reply = talk("就那个东西")
    assert reply["intent"]["name"] == "choose_option"
    assert texts(reply)[0].startswith("抱歉，我没太明白。")


def test_asking_for_a_person_at_any_time(talk):
    reply = talk("转人工")
    assert reply["intent"]["name"] == "human_handoff" and reply["messages"][0]["type"] == "handoff"
