"""What citizens type, made comparable with the index."""

import pytest

from search.analyzer import tokens
from search.normalize import clean, normalize_query


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("ＳＯＳ社保卡坏了换卡！！", "sos社保卡坏了换卡"),
        ("身分證遺失補辦", "身分证遗失补办"),
        ("身份证到期了😭怎么换？？", "身份证到期了 怎么换"),
        ("  社保卡\u3000丢了 ", "社保卡 丢了"),
        ("【急】公积金～提取→租房", "急 公积金 提取 租房"),
        ("三晋通ＡＰＰ１２３４５", "三晋通app12345"),
    ],
)
def test_normalize_query(typed, expected):
    assert normalize_query(typed) == expected


def test_clean_keeps_traditional_characters_as_typed():
    assert clean("身分證！") == "身分證"


def test_analyzer_folds_full_width_and_drops_question_particles():
    assert tokens("ＡＰＰ闪退吗") == ["app", "闪退"]
    assert "吗" not in tokens("身份证能补吗")
