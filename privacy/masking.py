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
from typing import Any

_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<![\d-])(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")
_BANK_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4})\d{8,11}(\d{4})(?![0-9A-Za-z])")


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
    text = _ID18.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _ID15.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _BANK_CARD.sub(lambda m: f"{m.group(1)}{'*' * (len(m.group(0)) - 8)}{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


ID_PLACEHOLDER, PHONE_PLACEHOLDER, CARD_PLACEHOLDER = "[身份证号]", "[电话]", "[卡号]"


def redact_text(text: str) -> str:
    """The text with every ID, phone and bank-card number replaced by a placeholder."""
    if not text:
        return text
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
