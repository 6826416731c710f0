"""Context carry-over through /api/chat: once an item is known, follow-ups refer to it; a new item replaces it."""

import pytest

from tests.dialogue.conftest import texts

pytestmark = pytest.mark.stack


def test_follow_ups_refer_to_the_item_until_another_is_named(talk):
    first = talk("居住证的办事指南", region="太原市")
    assert first["intent"]["name"] == "ask_guide"
    assert first["messages"][0]["type"] == "guide_card" and first["sources"][0]["id"] == "ga-residence-permit"

    materials = talk("要带什么材料", region="太原市")
    assert materials["intent"]["name"] == "ask_materials"
    assert texts(materials)[0].startswith("【居住证】所需材料：")
    assert materials["sources"] == [{"type": "item", "id": "ga-residence-permit", "title": "居住证"}]

    fee = talk("那多少钱", region="太原市")
    assert fee["intent"]["name"] == "ask_fee" and texts(fee)[0].startswith("【居住证】收费标准：")

    place = talk("在哪办", region="太原市")
    assert texts(place)[0].startswith("【居住证】办理地点：") and "太原市" in texts(place)[0]

    online = talk("能网上办吗", region="太原市")
    assert texts(online)[0].startswith("【居住证】网上办理：")

    other = talk("那结婚登记呢，要带啥", region="太原市")
    assert texts(other)[0].startswith("【结婚登记】所需材料：")
    assert other["sources"][0]["id"] == "mz-marriage"

    again = talk("要多久", region="太原市")
    assert texts(again)[0].startswith("【结婚登记】办理时限：")


def test_an_answer_found_by_retrieval_also_sets_the_context(talk):
    answer = talk("身份证丢了怎么补办", region="太原市")
    assert answer["sources"][0]["id"] == "ga-idcard-reissue"
    fee = talk("要多少钱")
    assert texts(fee)[0].startswith("【居民身份证补领】收费标准：\n工本费20元/证")
