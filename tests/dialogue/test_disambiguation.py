"""Disambiguation through /api/chat: numbered choices answered by "第二个", "2", a button, or part of a name."""

import pytest

from tests.dialogue.conftest import buttons, texts

pytestmark = pytest.mark.stack

ID_CARD_ITEMS = {"居民身份证首次申领", "居民身份证补领", "居民身份证换领", "临时居民身份证"}


def test_several_items_are_numbered_and_an_ordinal_picks_one(talk):
    choice = talk("身份证要什么材料")
    offered = [b["title"] for b in buttons(choice)]
    assert set(offered) == ID_CARD_ITEMS
    assert choice["messages"][0]["type"] == "buttons"
    assert choice["messages"][0]["text"].split("\n")[1:] == [f"{n}. {t}" for n, t in enumerate(offered, start=1)]
    picked = talk("第二个")
    assert picked["intent"]["name"] == "choose_option"
    assert texts(picked)[0].startswith(f"【{offered[1]}】所需材料：")
    assert picked["sources"][0]["title"] == offered[1]


def test_a_digit_or_the_button_payload_picks(talk):
    offered = [b for b in buttons(talk("社保卡在哪办"))]
    assert len(offered) >= 3
    picked = talk(offered[2]["payload"])  # a tap on the third button
    assert picked["intent"] == {"name": "choose_option", "confidence": 1.0}
    assert texts(picked)[0].startswith(f"【{offered[2]['title']}】办理地点：")
    again = talk("驾照在哪里办")
    titles = [b["title"] for b in buttons(again)]
    assert titles and all("驾驶证" in t for t in titles)
    digit = talk("1")
    assert texts(digit)[0].startswith(f"【{titles[0]}】办理地点：")


def test_part_of_a_name_picks(talk):
    assert set(b["title"] for b in buttons(talk("身份证在哪办"))) == ID_CARD_ITEMS
    picked = talk("就是补领那个")
    assert texts(picked)[0].startswith("【居民身份证补领】办理地点：")
