"""Masks what identifies a citizen before it is logged or stored: resident ID numbers (18 or 15 digits),
mainland mobile numbers, landlines and bank-card numbers — one set of patterns for the whole system.

Two renderings of the same policy:
- `mask_text` (logs, stored conversations, confirmations read back to the citizen) keeps just enough to
  recognise the number: the first 3 and last 4 characters of an ID or mobile number;
- `redact_text` (what the knowledge base keeps for staff: the unanswered-question queue, comments) puts a
  placeholder instead — staff need to know *that* a number was typed, never which, and questions that
  differ only in the number then group together."""

from __future__ import annotations

import re
from typing import Any, Callable, Optional
from urllib.parse import unquote

_ID18 = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[\dXx])(?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d-])(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{8,11}(\d{4})(?![0-9A-Za-z])")

# The second pass: numbers in the forms the patterns above miss — digits in groups ("110101 19900307 7777",
# "6222-0212-3456-7890"), full-width ("１３８…") or Chinese digits ("一三八…"), glued to letters
# ("sfz110101…"). A run of digits with single separators between them is read as one number and judged by
# its digit count; the masked form is written in ASCII digits.
_DIGITS = {
    **{chr(0xFF10 + n): str(n) for n in range(10)},
    **dict(zip("〇零一二三四五六七八九", "00123456789", strict=False)),
    "幺": "1",
    "X": "X",
    "Ｘ": "X",
    "ｘ": "X",
    "x": "X",
}
_DIGIT_CLASS = "0-9\uff10-\uff19〇零一二三四五六七八九幺"
_RUN = re.compile(f"\\+?[{_DIGIT_CLASS}](?:[ \u00a0\u3000\\-－_.+]?[{_DIGIT_CLASS}])*(?:[ \\-]?[XxＸｘ](?![A-Za-z]))?")
_ID_SHAPE = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]|[1-9]\d{14}")
_MOBILE_SHAPE = re.compile(r"1[3-9]\d{9}")  # with +86 the pattern above keeps the prefix as typed
# Percent-encoded text (URL query strings in the access log) is decoded first, so that numbers in it are seen.
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded(text: str) -> str:
    if "%" not in text:
        return text
    return _PERCENT.sub(lambda m: unquote(m.group(0), errors="strict") if _utf8(m.group(0)) else m.group(0), text)


def _utf8(encoded: str) -> bool:
    try:
        bytes(int(encoded[i + 1 : i + 3], 16) for i in range(0, len(encoded), 3)).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _kind(digits: str) -> str:
    if _ID_SHAPE.fullmatch(digits):
        return "id"
    if _MOBILE_SHAPE.fullmatch(digits):
        return "phone"
    if digits.isdigit() and 16 <= len(digits) <= 19:
        return "card"
    return ""


def _other_forms(text: str, render: Callable[[str, str], str]) -> str:
    def replace(match: re.Match) -> str:
        digits = "".join(_DIGITS.get(c, c) for c in match.group(0) if c in _DIGITS or c.isdigit() and c.isascii())
        kind = _kind(digits)
        if not kind:
            return match.group(0)
        lead = "+" if match.group(0).startswith("+") and render is _masked else ""
        return lead + render(kind, digits)

    return _RUN.sub(replace, text)


def _masked(kind: str, digits: str) -> str:
    if kind == "phone":
        return digits[:-8] + "****" + digits[-4:]
    if kind == "card":
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    return mask_id_number(digits)


def _placeholder(kind: str, digits: str) -> str:
    return {"id": "[身份证号]", "phone": "[电话]", "card": "[卡号]"}[kind]


def mask_id_number(value: str) -> str:
    value = value.strip()
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "*" * len(digits)


def mask_text(text: str) -> str:
    """The text with every ID, phone and bank-card number in it masked."""
    if not text:
        return text
    text = _other_forms(_decoded(text), _masked)
    text = _ID18.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _ID15.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _BANK_CARD.sub(lambda m: f"{m.group(1)}{'*' * (len(m.group(0)) - 8)}{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


def find_phone(text: str) -> Optional[str]:
    """The first phone number in `text` by the same patterns that mask phones (+86, spaces and dashes as
    people type them), written plainly: a mobile as its 11 digits, a landline as area code-number."""
    found = []
    mobile = _MOBILE.search(text)
    if mobile:
        found.append((mobile.start(), re.sub(r"\D", "", mobile.group(1))[-3:] + mobile.group(2) + mobile.group(3)))
    landline = _LANDLINE.search(text)
    if landline:
        found.append((landline.start(), f"{landline.group(1)}-{landline.group(2)}{landline.group(3)}"))
    return min(found)[1] if found else None


ID_PLACEHOLDER, PHONE_PLACEHOLDER, CARD_PLACEHOLDER = "[身份证号]", "[电话]", "[卡号]"


def redact_text(text: str) -> str:
    """The text with every ID, phone and bank-card number replaced by a placeholder."""
    if not text:
        return text
    text = _other_forms(_decoded(text), _placeholder)
    text = _ID18.sub(ID_PLACEHOLDER, text)
    text = _ID15.sub(ID_PLACEHOLDER, text)
    text = _MOBILE.sub(PHONE_PLACEHOLDER, text)
    text = _BANK_CARD.sub(CARD_PLACEHOLDER, text)
    return _LANDLINE.sub(PHONE_PLACEHOLDER, text)


def mask_value(value: Any) -> Any:
    """Masks the strings inside nested structures (dicts, lists, tuples); other values as they are."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_value(item) for item in value)
    return value
