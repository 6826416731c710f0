"""actions/dialogue/context.py: which item a message is about (context carry-over), and who is asking."""

import pytest

from actions.answers.aspects import catalog
from actions.dialogue.context import residual_text, resolve_items, tracker_context
from actions.resources import searcher
from tests.actions.conftest import make_tracker

REISSUE, MARRIAGE = "ga-idcard-reissue", "mz-marriage"
ID_CARDS = ["ga-idcard-first", "ga-idcard-reissue", "ga-idcard-renew", "ga-idcard-temp"]


def resolve(text, entities=(), item=None, extra=()):
    return resolve_items(
        make_tracker(text, "ask_materials", list(entities), {"item": item}), catalog(), searcher(), extra
    )


@pytest.mark.parametrize(
    "text, rest",
    [("那在哪办呢？", ""), ("离婚要带啥", "离婚"), ("结婚登记要什么材料", "结婚登记"), ("居住证多少钱", "居住证")],
)
def test_residual_text_drops_aspect_words_and_fillers(text, rest):
    assert residual_text(text) == rest


def test_a_named_item_is_taken_as_is(sample_kb):
    r = resolve("补办身份证要带什么", [{"entity": "item", "value": REISSUE}], item=MARRIAGE)
    assert (r.source, r.items) == ("entity", [REISSUE])


def test_several_named_items_are_a_choice(sample_kb):
    r = resolve(
        "户口迁移要什么材料",
        [{"entity": "item", "value": "ga-hukou-move-in"}, {"entity": "item", "value": "ga-hukou-move-out"}],
    )
    assert r.ambiguous and set(r.items) == {"ga-hukou-move-in", "ga-hukou-move-out"}


@pytest.mark.parametrize("text", ["那在哪办", "多少钱", "能网上办吗", "我家孩子的要什么材料"])
def test_without_a_new_item_the_context_carries_over(sample_kb, text):
    assert resolve(text, item=REISSUE).items == [REISSUE]


@pytest.mark.parametrize(
    "text, expected",
    [("离婚要带啥", ["mz-divorce"]), ("那护照呢", ["ga-passport"]), ("身份证丢了要什么材料", [REISSUE])],
)
def test_a_new_item_replaces_the_context(sample_kb, text, expected):
    assert resolve(text, item=MARRIAGE).items == expected


def test_a_certificate_in_several_items_offers_them_all(sample_kb):
    r = resolve("身份证要什么材料", [{"entity": "document", "value": "居民身份证"}], item=MARRIAGE)
    assert r.ambiguous and sorted(r.items) == ID_CARDS


def test_no_item_and_no_context(sample_kb):
    r = resolve("多少钱")
    assert (r.source, r.items, r.unique, r.ambiguous) == ("none", [], None, False)


def test_words_of_the_form_are_no_item(sample_kb):
    assert resolve("我要预约", extra=["预约"], item=REISSUE).items == [REISSUE]


def test_tracker_context_reads_metadata_and_slots():
    tracker = make_tracker(
        "hi", metadata={"identity_token": "tok", "channel": "wechat", "region": "大同市", "elder_mode": True}
    )
    ctx = tracker_context(tracker)
    assert (ctx.identity_token, ctx.channel, ctx.region, ctx.elder_mode, ctx.logged_in) == (
        "tok",
        "wechat",
        "大同市",
        True,
        True,
    )
    anonymous = tracker_context(make_tracker("hi", slots={"region": "太原市"}, metadata={"identity_token": "  "}))
    assert (anonymous.identity_token, anonymous.region, anonymous.logged_in) == (None, "太原市", False)
