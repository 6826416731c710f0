"""Normalises what citizens type, keeping every character at its place.

- full-width letters, digits and ASCII punctuation → half-width ("ＳＦＺ１２３" → "SFZ123");
- traditional Chinese → simplified ("身份證丟了" → "身份证丢了");
- emoji, variation selectors and zero-width characters → a space;
- every kind of whitespace (full-width space, tabs, line breaks) → a space.

The result always has the same length as the input, so entity offsets found on the normalised text
point at the same characters of the original text (training annotations stay aligned, and the
entities Rasa stores refer to what the citizen actually typed).

The full-width solidus "／" is left alone: the gateway's channel turns a typed leading "/" into "／"
so that Rasa never reads citizen text as an `/intent` command, and turning it back would undo that.
Text that starts with "/" is a button payload (an intent command) and is returned unchanged.
`escape_command` is the one rule, used by the gateway and by the Rasa input channel, that makes typed text
which would read as a command after this normalisation (an invisible or emoji prefix) plain text.
"""

from __future__ import annotations

import functools
from typing import Callable

from opencc import OpenCC  # opencc-python-reimplemented (imported here so a missing package fails at load)

COMMAND_PREFIX = "/"
FULLWIDTH_SOLIDUS = "／"
_FULLWIDTH_FIRST, _FULLWIDTH_LAST = 0xFF01, 0xFF5E
_FULLWIDTH_OFFSET = 0xFEE0
_IDEOGRAPHIC_SPACE = "\u3000"
_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufe0e", "\ufe0f"}
# Emoji and pictographs: misc symbols & dingbats, arrows/stars block, and the supplementary planes'
# emoji blocks (emoticons, transport, flags, skin tones, symbols & pictographs extended).
_EMOJI_RANGES = (
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x1F000, 0x1FAFF),
    (0xE0020, 0xE007F),  # tag characters of flag sequences
)


def is_emoji(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def to_halfwidth(char: str) -> str:
    """One character: full-width ASCII variants and the ideographic space to their half-width twins."""
    if char == _IDEOGRAPHIC_SPACE:
        return " "
    code = ord(char)
    if _FULLWIDTH_FIRST <= code <= _FULLWIDTH_LAST and char != FULLWIDTH_SOLIDUS:
        return chr(code - _FULLWIDTH_OFFSET)
    return char


@functools.lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    return OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Traditional → simplified, length-preserving (character by character if a phrase rule would not be)."""
    convert = _t2s()
    converted = convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for char in text:
        one = convert(char)
        out.append(one if len(one) == 1 else char)
    return "".join(out)


def _clean_char(char: str) -> str:
    if char in _ZERO_WIDTH or is_emoji(char) or char.isspace():
        return " "
    return to_halfwidth(char)


def normalize(text: str) -> str:
    """The normalised text, exactly as long as `text`."""
    if not text or text.startswith(COMMAND_PREFIX):
        return text
    cleaned = "".join(_clean_char(char) for char in text)
    return to_simplified(cleaned)


def command_slash(text: str) -> int:
    """Where the "/" is by which Rasa would read `text` as an intent command, or -1.

    Rasa strips the (normalised) text and reads a leading "/" as `/intent{...}`; this normaliser turns
    invisible characters, emoji and every kind of whitespace into spaces, so "\u200b/restart" reads as
    " /restart". The one test of what becomes a command, shared by the gateway and the Rasa input channel."""
    if not text:
        return -1
    normalised = normalize(text)
    for index, char in enumerate(normalised):
        if char.isspace():
            continue
        return index if char == COMMAND_PREFIX else -1
    return -1


def escape_command(text: str) -> str:
    """Typed text that would read as an intent command, made plain text ("／" for the command's "/").
    Length-preserving and idempotent; text that is no command is returned unchanged."""
    index = command_slash(text)
    if index < 0:
        return text
    return text[:index] + FULLWIDTH_SOLIDUS + text[index + 1 :]


__all__ = [
    "normalize",
    "to_halfwidth",
    "to_simplified",
    "is_emoji",
    "FULLWIDTH_SOLIDUS",
    "command_slash",
    "escape_command",
]
