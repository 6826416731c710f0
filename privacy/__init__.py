"""Personal data: masking of personal numbers (ID numbers, phones, bank cards) — one implementation for
every part — and the short-lived store of what the bot may know about a citizen outside the conversation
record (the identity token of the session, the personal values a form needs for its submission).

A leaf package: it imports nothing of ours, so every package (knowledge/ included) may use it.
"""

from privacy.masking import find_phone, mask_id_number, mask_phone, mask_text, mask_value, redact_text

__all__ = ["mask_text", "mask_value", "mask_phone", "mask_id_number", "redact_text", "find_phone"]
