"""Entities with a fixed format, found by rules (no training): application numbers, ID numbers, phones,
dates and times (see nlu/cn_datetime.py) and numbers.

    application_no  SX2026112300001 (申办), YY… (预约), GD… (12345 工单), PJ… (评价) → upper case
    id_number       an 18-character resident ID number → masked "140***********123X" (never kept whole)
    phone           mobile 13812345678 (spaces or dashes allowed) or landline 0351-5681231 → digits
    date, time      see nlu/cn_datetime.py
    number          "第二个" (the whole ordinal), "选3" (the numeral), "2", a message that is only a
                    numeral ("三") → "2", "3"

Earlier kinds take their characters first, so a phone number is never also read as a number.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import List

from nlu.cn_datetime import Found, find_dates_and_times
from nlu.cn_numbers import NUMERAL_CLASS, parse_number
from privacy.masking import mask_id_number  # the one masking format of the whole system

APPLICATION_NO = "application_no"
ID_NUMBER = "id_number"
PHONE = "phone"
NUMBER = "number"
FORMAT_ENTITIES = [APPLICATION_NO, ID_NUMBER, PHONE, "date", "time", NUMBER]

APPLICATION_PATTERN = re.compile(r"(?<![A-Za-z0-9])(?P<p>SX|YY|GD|PJ)\s?(?P<n>\d{13})(?!\d)", re.IGNORECASE)
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?P<birth>\d{8})\d{3}[0-9Xx](?![0-9A-Za-z])")
MOBILE_PATTERN = re.compile(r"(?<![\d+])1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
LANDLINE_PATTERN = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
ORDINAL_PATTERN = re.compile(rf"第\s*(?P<n>{NUMERAL_CLASS}{{1,4}})(?:个|项|条|种|家|位|号)?")
CHOICE_PATTERN = re.compile(
    rf"(?:选|要|看|是)\s*(?P<n>{NUMERAL_CLASS}{{1,2}})(?:个|项|条|号)?(?![0-9{NUMERAL_CLASS[1:-1]}])"
)
DIGITS_PATTERN = re.compile(r"(?<![\d.])(?P<n>\d{1,4})(?![\d.])")
ONLY_NUMERAL = re.compile(rf"^\W*(?:选|要|第)?\s*(?P<n>{NUMERAL_CLASS}{{1,3}})\s*(?:个|项|条|号)?\W*$")
MAX_CHOICE = 999


def _free(start: int, end: int, taken: List[Found]) -> bool:
    return not any(start < f.end and f.start < end for f in taken)


def _valid_birth(birth: str) -> bool:
    try:
        day = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return False
    return 1900 <= day.year


def find_application_numbers(text: str) -> List[Found]:
    return [
        Found(APPLICATION_NO, m.start(), m.end(), m.group("p").upper() + m.group("n"))
        for m in APPLICATION_PATTERN.finditer(text)
    ]


def find_id_numbers(text: str, taken: List[Found] = ()) -> List[Found]:
    return [
        Found(ID_NUMBER, m.start(), m.end(), mask_id_number(m.group(0).upper()))
        for m in ID_PATTERN.finditer(text)
        if _valid_birth(m.group("birth")) and _free(m.start(), m.end(), list(taken))
    ]


def find_phones(text: str, taken: List[Found] = ()) -> List[Found]:
    found: List[Found] = []
    for pattern, clean in ((MOBILE_PATTERN, lambda s: re.sub(r"[\s-]", "", s)), (LANDLINE_PATTERN, lambda s: s)):
        for m in pattern.finditer(text):
            if _free(m.start(), m.end(), list(taken) + found):
                found.append(Found(PHONE, m.start(), m.end(), clean(m.group(0))))
    return found


def find_numbers(text: str, taken: List[Found] = ()) -> List[Found]:
    found: List[Found] = []
    whole = ONLY_NUMERAL.match(text)
    patterns = [ORDINAL_PATTERN, CHOICE_PATTERN, DIGITS_PATTERN]
    for pattern in patterns:
        for m in pattern.finditer(text):
            start, end = m.span() if pattern is ORDINAL_PATTERN else m.span("n")
            if _free(start, end, list(taken) + found):
                value = parse_number(m.group("n"))
                if value is not None and 0 < value <= MAX_CHOICE:
                    found.append(Found(NUMBER, start, end, str(value)))
    if whole and not found:
        start, end = whole.span("n")
        value = parse_number(whole.group("n"))
        if value is not None and 0 < value <= MAX_CHOICE and _free(start, end, list(taken)):
            found.append(Found(NUMBER, start, end, str(value)))
    return found


def find_formats(text: str, today: dt.date) -> List[Found]:
    """Every format entity in `text`, in text order, none overlapping another."""
    found: List[Found] = find_application_numbers(text)
    found += find_id_numbers(text, found)
    found += find_phones(text, found)
    found += find_dates_and_times(text, today, found)
    found += find_numbers(text, found)
    return sorted(found, key=lambda f: f.start)


__all__ = [
    "FORMAT_ENTITIES",
    "find_formats",
    "find_application_numbers",
    "find_id_numbers",
    "find_phones",
    "find_numbers",
    "mask_id_number",
    "APPLICATION_NO",
    "ID_NUMBER",
    "PHONE",
    "NUMBER",
    "Found",
]
