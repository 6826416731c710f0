import pytest

from nlu.cn_numbers import parse_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("2", 2),
        ("12", 12),
        ("二", 2),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十三", 23),
        ("一百零五", 105),
        ("两千零二十六", 2026),
        ("二零二六", 2026),
        ("叁", 3),
        ("", None),
        ("第二", None),
        ("abc", None),
    ],
)
def test_parses_chinese_and_arabic_numerals(text, value):
    assert parse_number(text) == value
