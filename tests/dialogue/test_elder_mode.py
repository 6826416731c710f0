"""长辈模式 through /api/chat: from the channel (elder_mode) or asked for; short lines, one step at a time,
numbered options answered with a digit, the hotline on every answer."""

import pytest

from tests.dialogue.conftest import buttons, texts

pytestmark = pytest.mark.stack
HOTLINE = "不清楚的，可以拨打 12345 热线，有人工帮您。"


def test_elder_mode_from_the_channel(talk):
    greeting = talk("你好", elder_mode=True)
    assert texts(greeting) == [
        "您好！我是三晋通智能客服。\n您想办什么事，直接说就行。\n不清楚的，可以拨打 12345 热线。"
    ]
    guide = talk("身份证丢了怎么补办", elder_mode=True, region="太原市")
    assert texts(guide)[0] == "好的，说说【居民身份证补领】。"
    assert guide["sources"][0]["id"] == "ga-idcard-reissue"
    assert [b["title"] for b in buttons(guide)][:3] == ["要带什么材料", "去哪里办", "要不要钱"]
    assert guide["messages"][1]["text"].split("\n")[1] == HOTLINE
    materials = talk("1", elder_mode=True, region="太原市")
    lines = texts(materials)[0].split("\n")
    assert lines[0] == "居民身份证补领，所需材料：" and lines[-1] == HOTLINE
    place = talk("2", elder_mode=True, region="太原市")  # the menu stays open: the next digit, the next step
    assert texts(place)[0].startswith("居民身份证补领，办理地点：") and "太原市" in texts(place)[0]


def test_asked_for_in_the_conversation_and_kept(talk):
    switched = talk("我年纪大了看不清，说简单点")
    assert switched["intent"]["name"] == "elder_mode"
    assert texts(switched)[0].startswith("好的，已切换到长辈模式。")
    answer = talk("房子还有贷款没还完能卖吗")
    lines = texts(answer)[0].split("\n")
    assert len(lines) >= 3 and lines[-1] == HOTLINE
    assert answer["sources"][0]["type"] == "faq"
    normal = talk("退出长辈模式")
    assert texts(normal) == ["好的，已恢复标准模式。"]
    card = talk("居住证的办事指南")
    assert card["messages"][0]["type"] == "guide_card"
