"""Chinese dates and times, resolved against Monday 2026-11-23."""

import datetime as dt

import pytest

from nlu.cn_datetime import find_dates, find_dates_and_times, find_times

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("今天", "今天", "2026-11-23"),
        ("明天去", "明天", "2026-11-24"),
        ("后天上午", "后天", "2026-11-25"),
        ("大后天", "大后天", "2026-11-26"),
        ("下周一", "下周一", "2026-11-30"),
        ("下星期三", "下星期三", "2026-12-02"),
        ("下个礼拜五", "下个礼拜五", "2026-12-04"),
        ("这周五", "这周五", "2026-11-27"),
        ("周三", "周三", "2026-11-25"),
        ("星期一", "星期一", "2026-11-30"),  # a bare weekday is the next one, today excluded
        ("下下周二", "下下周二", "2026-12-08"),
        ("11月25日", "11月25日", "2026-11-25"),
        ("十二月一号", "十二月一号", "2026-12-01"),
        ("1月5号", "1月5号", "2027-01-05"),  # already past this year → next year
        ("2026年12月01日", "2026年12月01日", "2026-12-01"),
        ("2026-12-03", "2026-12-03", "2026-12-03"),
        ("12/01", "12/01", "2026-12-01"),
        ("25号", "25号", "2026-11-25"),
        ("5号", "5号", "2026-12-05"),  # this month's 5th has passed
        ("三天后", "三天后", "2026-11-26"),
    ],
)
def test_dates(text, span, value):
    (found,) = find_dates(text, MONDAY)
    assert (text[found.start : found.end], found.value) == (span, value)


@pytest.mark.parametrize(
    "text, span, value",
    [
        ("下午三点", "下午三点", "15:00"),
        ("上午十点", "上午十点", "10:00"),
        ("9点半", "9点半", "09:30"),
        ("十点一刻", "十点一刻", "10:15"),
        ("15:00", "15:00", "15:00"),
        ("3点", "3点", "15:00"),  # 1-6 o'clock without a part of day: the afternoon
        ("晚上8点", "晚上8点", "20:00"),
        ("上午", "上午", "上午"),
        ("我想下午去", "下午", "下午"),
        ("早上", "早上", "上午"),
    ],
)
def test_times(text, span, value):
    (found,) = find_times(text)
    assert (text[found.start : found.end], found.value) == (span, value)


@pytest.mark.parametrize("text", ["能快一点吗", "下午好", "早上好呀", "一时半会儿", "25点", "没有时间"])
def test_no_time_in(text):
    assert find_times(text) == []


def test_date_and_time_together_do_not_overlap():
    found = find_dates_and_times("明天下午三点", MONDAY)
    assert [(f.entity, f.start, f.end, f.value) for f in found] == [
        ("date", 0, 2, "2026-11-24"),
        ("time", 2, 6, "15:00"),
    ]


def test_invalid_dates_are_ignored():
    assert find_dates("2月30号", MONDAY) == [] and find_dates("13月1日", MONDAY) == []
