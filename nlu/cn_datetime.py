"""Chinese dates and times as citizens write them, resolved against a given day.

Dates ("date", ISO value): 今天/明天/后天/大后天, 下周一/下星期三/下礼拜五/这周二/周四, 11月25日/11月25号/
2026年12月1日/12-01, 25号, 三天后.  A bare weekday means the next such day (today excluded).
Times ("time"): a clock time "下午三点", "3点半", "15:00", "十点一刻" → "HH:MM"; a part of the day alone
("上午", "下午", "中午", "晚上") → that word.  A clock hour from 1 to 6 without a part of the day is read as
afternoon (offices close by 18:00).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional

from nlu.cn_numbers import NUMERAL_CLASS, parse_number

DATE = "date"
TIME = "time"

WEEKDAYS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "七": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
RELATIVE_DAYS = {"今天": 0, "今日": 0, "今儿": 0, "明天": 1, "明日": 1, "明儿": 1, "后天": 2, "後天": 2, "大后天": 3}
PARTS_OF_DAY = {
    "上午": "上午",
    "早上": "上午",
    "早晨": "上午",
    "上半天": "上午",
    "一早": "上午",
    "中午": "中午",
    "下午": "下午",
    "下半天": "下午",
    "傍晚": "下午",
    "晚上": "晚上",
}

_N = NUMERAL_CLASS
_WEEK_WORD = r"(?:周|星期|礼拜)"
_PART = "|".join(sorted(PARTS_OF_DAY, key=len, reverse=True))

DATE_PATTERNS = [
    ("full", re.compile(rf"(?P<y>\d{{4}}|[{_N[1:-1]}]{{4}})年(?P<m>{_N}{{1,3}})月(?P<d>{_N}{{1,3}})[日号]?")),
    ("iso", re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")),
    ("month_day", re.compile(rf"(?P<m>{_N}{{1,3}})月(?P<d>{_N}{{1,3}})[日号]?")),
    ("dash_month_day", re.compile(r"(?<![\d-])(?P<m>1[0-2]|0?[1-9])[-/](?P<d>3[01]|[12]\d|0?[1-9])(?![\d-])")),
    ("week", re.compile(rf"(?P<which>下下|下个?|这个?|本|今)?{_WEEK_WORD}(?P<wd>[一二三四五六日天七1-7])")),
    ("relative", re.compile("|".join(sorted(RELATIVE_DAYS, key=len, reverse=True)))),
    ("days_later", re.compile(rf"(?P<n>{_N}{{1,3}})天(?:以?后|之后)")),
    ("day_only", re.compile(rf"(?<![月\d{_N[1:-1]}])(?P<d>{_N}{{1,3}})号")),
]
TIME_PATTERN = re.compile(
    rf"(?:(?P<part>{_PART}))?(?P<h>{_N}{{1,3}})(?P<unit>点|时|:|：)(?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<min>{_N}{{1,3}})分?)?"
)
PART_PATTERN = re.compile(rf"(?:{_PART})(?!好)")  # "下午好" is a greeting, not a time


@dataclass(frozen=True)
class Found:
    entity: str
    start: int
    end: int
    value: str


def _valid_date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except (ValueError, TypeError):
        return None


def _upcoming(today: dt.date, month: int, day: int) -> Optional[dt.date]:
    """The next date with this month and day, this year or the next."""
    this_year = _valid_date(today.year, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    return _valid_date(today.year + 1, month, day)


def _resolve(kind: str, match: re.Match, today: dt.date) -> Optional[dt.date]:
    g = match.groupdict()
    if kind in ("full", "iso"):
        return _valid_date(parse_number(g["y"]), parse_number(g["m"]), parse_number(g["d"]))
    if kind in ("month_day", "dash_month_day"):
        return _upcoming(today, parse_number(g["m"]), parse_number(g["d"]))
    if kind == "week":
        weekday = WEEKDAYS[g["wd"]]
        which = (g["which"] or "").rstrip("个")
        monday = today - dt.timedelta(days=today.weekday())
        if which == "下下":
            return monday + dt.timedelta(days=14 + weekday)
        if which == "下":
            return monday + dt.timedelta(days=7 + weekday)
        if which in ("这", "本", "今"):
            return monday + dt.timedelta(days=weekday)
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + dt.timedelta(days=ahead)
    if kind == "relative":
        return today + dt.timedelta(days=RELATIVE_DAYS[match.group(0)])
    if kind == "days_later":
        days = parse_number(g["n"])
        return today + dt.timedelta(days=days) if days is not None and days <= 366 else None
    if kind == "day_only":
        day = parse_number(g["d"])
        if day is None or not 1 <= day <= 31:
            return None
        this_month = _valid_date(today.year, today.month, day)
        if this_month is not None and this_month >= today:
            return this_month
        month, year = (1, today.year + 1) if today.month == 12 else (today.month + 1, today.year)
        return _valid_date(year, month, day)
    return None


def _overlaps(start: int, end: int, taken: List[Found]) -> bool:
    return any(start < f.end and f.start < end for f in taken)


def find_dates(text: str, today: dt.date) -> List[Found]:
    found: List[Found] = []
    for kind, pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if _overlaps(match.start(), match.end(), found):
                continue
            day = _resolve(kind, match, today)
            if day is not None:
                found.append(Found(DATE, match.start(), match.end(), day.isoformat()))
    return sorted(found, key=lambda f: f.start)


def _clock(match: re.Match) -> Optional[str]:
    g = match.groupdict()
    hour = parse_number(g["h"])
    if hour is None or hour > 24:
        return None
    minute = 0
    if g["half"]:
        minute = 30
    elif g["quarter"]:
        minute = 15 if g["quarter"] == "一刻" else 45
    elif g["min"]:
        minute = parse_number(g["min"])
        if minute is None or minute > 59:
            return None
    part = PARTS_OF_DAY.get(g["part"] or "")
    if part in ("下午", "晚上") and hour < 12:
        hour += 12
    elif part == "中午" and hour < 3:
        hour += 12
    elif part is None and 1 <= hour <= 6:
        hour += 12
    if hour >= 24:
        return None
    return f"{hour:02d}:{minute:02d}"


def find_times(text: str, taken: List[Found] = ()) -> List[Found]:
    found: List[Found] = []
    for match in TIME_PATTERN.finditer(text):
        if _overlaps(match.start(), match.end(), list(taken)):
            continue
        # "3:00" needs minutes after the colon; "3点" does not.
        if match.group(0)[-1] in ":：":
            continue
        if (
            match.group("h") == "一"
            and not match.group("part")
            and (match.group("unit") == "时" or not (match.group("half") or match.group("min")))
        ):
            continue  # "快一点", "一时半会" are no clock times
        value = _clock(match)
        if value is not None:
            found.append(Found(TIME, match.start(), match.end(), value))
    for match in PART_PATTERN.finditer(text):
        if not _overlaps(match.start(), match.end(), list(taken) + found):
            found.append(Found(TIME, match.start(), match.end(), PARTS_OF_DAY[match.group(0)]))
    return sorted(found, key=lambda f: f.start)


def find_dates_and_times(text: str, today: dt.date, taken: List[Found] = ()) -> List[Found]:
    """Dates first (a date span is never also read as a time), then times around them."""
    dates = [d for d in find_dates(text, today) if not _overlaps(d.start, d.end, list(taken))]
    times = find_times(text, list(taken) + dates)
    return sorted(dates + times, key=lambda f: f.start)


__all__ = ["Found", "find_dates", "find_times", "find_dates_and_times", "DATE", "TIME", "PARTS_OF_DAY"]
