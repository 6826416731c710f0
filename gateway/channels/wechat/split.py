"""Splits a long answer into parts that each fit WeChat's passive-reply limit, counted in UTF-8 bytes
(a Chinese character is 3 bytes, an emoji 4): at line breaks where possible, never inside a character."""

from __future__ import annotations

from typing import List, Optional

PASSIVE_REPLY_LIMIT = 2047  # bytes of Content in one passive text reply


def _hard_split(line: str, limit: int) -> List[str]:
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts


def split_utf8(text: str, limit: int = PASSIVE_REPLY_LIMIT) -> List[str]:
    """Parts of at most `limit` bytes, in order. Breaks fall on line breaks (the break itself is dropped);
    only a line longer than the limit is cut, between two characters. Blank parts are left out."""
    if limit < 4:
        raise ValueError("limit must hold at least one character (4 bytes)")
    if len(text.encode("utf-8")) <= limit:
        return [text] if text else []
    parts: List[str] = []
    current: Optional[str] = None
    for line in text.split("\n"):
        candidate = line if current is None else current + "\n" + line
        if len(candidate.encode("utf-8")) <= limit:
            current = candidate
            continue
        if current is not None:
            parts.append(current)
        if len(line.encode("utf-8")) <= limit:
            current = line
        else:
            pieces = _hard_split(line, limit)
            parts.extend(pieces[:-1])
            current = pieces[-1]
    if current is not None:
        parts.append(current)
    return [part for part in parts if part.strip()]
