"""nlu/formats.py: application numbers, ID numbers (masked), phones, numbers; no overlaps."""

import datetime as dt

import pytest

from nlu.formats import find_formats, mask_id_number

MONDAY = dt.date(2026, 11, 23)


def found(text):
    return [(f.entity, text[f.start : f.end], f.value) for f in find_formats(text, MONDAY)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("查一下SX2026112300001的进度", [("application_no", "SX2026112300001", "SX2026112300001")]),
        ("gd2026112300002办得怎样", [("application_no", "gd2026112300002", "GD2026112300002")]),
        ("我的手机是138 1234 5678", [("phone", "138 1234 5678", "13812345678")]),
        ("电话13812345678", [("phone", "13812345678", "13812345678")]),
        ("座机0351-5681231", [("phone", "0351-5681231", "0351-5681231")]),
        ("身份证号140105199001011234", [("id_number", "140105199001011234", "140***********1234")]),
        ("14010519900101123X", [("id_number", "14010519900101123X", "140***********123X")]),
        ("第二个", [("number", "第二个", "2")]),
        ("第3项", [("number", "第3项", "3")]),
        ("选3", [("number", "3", "3")]),
        ("2", [("number", "2", "2")]),
        ("三", [("number", "三", "3")]),
        ("就是补领那个", []),
        ("打12345热线", []),
        (
            "明天下午三点，手机13812345678",
            [("date", "明天", "2026-11-24"), ("time", "下午三点", "15:00"), ("phone", "13812345678", "13812345678")],
        ),
    ],
)
def test_formats(text, expected):
    assert found(text) == expected


def test_an_eighteen_digit_number_without_a_birth_date_is_no_id_number():
    assert [f for f in find_formats("订单号140105199013401234", MONDAY) if f.entity == "id_number"] == []


def test_mask_keeps_only_the_ends():
    assert mask_id_number("140105199001011234") == "140***********1234"
