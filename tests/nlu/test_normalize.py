"""nlu/normalize.py: full-width → half-width, traditional → simplified, emoji and whitespace, same length."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.normalize import is_emoji, normalize, to_halfwidth, to_simplified


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ＳＦＺ１２３", "SFZ123"),
        ("手机号：１３８１２３４５６７８", "手机号:13812345678"),
        ("身份證丟了怎麼補辦", "身份证丢了怎么补办"),
        ("戶口簿", "户口簿"),
        ("补办身份证😂", "补办身份证 "),
        ("你好🙏🏻在吗", "你好  在吗"),
        ("社保\u3000卡", "社保 卡"),
        ("社保\t卡\n", "社保 卡 "),
        ("零\u200b宽", "零 宽"),
        ("", ""),
    ],
)
def test_normalizes_what_citizens_type(text, expected):
    assert normalize(text) == expected


def test_escaped_leading_slash_stays_full_width():
    # the gateway's channel turns a typed "/greet" into "／greet"; turning it back would make it an intent command
    assert normalize("／greet") == "／greet"
    assert normalize("我要／预约") == "我要／预约"


def test_button_payload_is_left_exactly_as_sent():
    payload = '/choose_option{"number": "２"}'
    assert normalize(payload) == payload


def test_single_characters():
    assert (
        to_halfwidth("Ａ") == "A"
        and to_halfwidth("，") == ","
        and to_halfwidth("。") == "。"
        and to_halfwidth("／") == "／"
    )
    assert is_emoji("😂") and is_emoji("⭐") and not is_emoji("证")
    assert to_simplified("臺灣") == "台湾"


@given(st.text(max_size=60))
def test_length_and_offsets_are_kept_for_any_text(text):
    normalized = normalize(text)
    assert len(normalized) == len(text)
    assert normalize(normalized) == normalized or text.startswith("/")
    if not text.startswith("/"):
        assert not normalized.startswith("/")
