"""Masks personal numbers in text before it is stored: ID numbers, bank cards and phone numbers.

Citizens type their 身份证号 or phone number into questions ("我的身份证 1401…丢了"). What the knowledge
base keeps for staff (the unanswered-question queue, statistics, comments) must not hold them.
"""
from __future__ import annotations

import re

_NOT_DIGIT = r"(?<![0-9A-Za-z])"
_END = r"(?![0-9A-Za-z])"

ID_NUMBER = re.compile(_NOT_DIGIT + r"[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]" + _END)
OLD_ID_NUMBER = re.compile(_NOT_DIGIT + r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + _END)
BANK_CARD = re.compile(_NOT_DIGIT + r"\d{16,19}" + _END)
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")

ID_MASK = "[身份证号]"
CARD_MASK = "[卡号]"
PHONE_MASK = "[电话]"


def mask_personal(text: str) -> str:
    """The text with ID numbers, bank-card numbers and phone numbers replaced by placeholders."""
    text = ID_NUMBER.sub(ID_MASK, text)
    text = OLD_ID_NUMBER.sub(ID_MASK, text)
    text = BANK_CARD.sub(CARD_MASK, text)
    text = MOBILE.sub(PHONE_MASK, text)
    return LANDLINE.sub(PHONE_MASK, text)
