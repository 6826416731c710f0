"""Masks personal data in text before it is logged: resident ID numbers and mobile phone numbers."""
from __future__ import annotations

import re
from typing import Any

# 18-digit resident ID (last may be X) or the old 15-digit one; not part of a longer digit run.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
# Mainland mobile numbers, optionally with +86 / 86 and separators (138 1234 5678, 138-1234-5678).
MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def _id(match: "re.Match") -> str:
    number = match.group(0)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_pii(text: str) -> str:
    """ID numbers keep their first 3 and last 4 characters, phones their first 3 and last 4 digits."""
    if not text:
        return text
    text = ID_NUMBER.sub(_id, text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_value(value: Any) -> Any:
    """Masks strings inside the structures a log record carries (str, list, tuple, dict)."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_value(v) for v in value)
    return value
