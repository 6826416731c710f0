"""Chinese and Arabic numerals: "二十三" → 23, "两" → 2, "一百零五" → 105, "12" → 12."""

from __future__ import annotations

from typing import Optional

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
# A regex character class for a run of numerals (Chinese or Arabic).
NUMERAL_CLASS = f"[0-9{NUMERAL_CHARS}]"


def parse_number(text: str) -> Optional[int]:
    """The value of a numeral written in Arabic digits or Chinese (up to 9999); None if it is not one."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(c not in DIGITS and c not in UNITS for c in text):
        return None
    if all(c in DIGITS for c in text):  # digit by digit: "二零二六" → 2026
        return int("".join(str(DIGITS[c]) for c in text))
    total, current = 0, None
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        else:
            unit = UNITS[char]
            total += (1 if current is None else current) * unit
            current = None
    if current is not None:
        total += current
    return total


__all__ = ["parse_number", "NUMERAL_CLASS", "NUMERAL_CHARS", "DIGITS", "UNITS"]
