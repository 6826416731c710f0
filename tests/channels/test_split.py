"""Long answers are split by UTF-8 bytes to WeChat's passive-reply limit (2,047 bytes)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.channels.wechat.split import PASSIVE_REPLY_LIMIT, split_utf8

texts = st.text(alphabet=st.sampled_from(list("身份证补领办理材料abc12 ，。\n😀🇨🇳")), max_size=3000)


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def test_limit_is_wechats():
    assert PASSIVE_REPLY_LIMIT == 2047


def test_short_text_is_one_part():
    assert split_utf8("你好") == ["你好"]
    assert split_utf8("") == []


def test_splits_by_bytes_not_characters():
    text = "办" * 700  # 2,100 bytes but only 700 characters: over the limit
    parts = split_utf8(text)
    assert [size(p) for p in parts] == [2046, 54]  # 682 characters × 3 bytes fit, the 683rd would be 2,049
    assert "".join(parts) == text


def test_prefers_line_breaks_and_never_cuts_an_emoji():
    lines = ["第%d行" % n + "材" * 100 for n in range(1, 11)]  # each line 307–308 bytes
    parts = split_utf8("\n".join(lines))
    assert all(size(p) <= 2047 for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert parts[0].split("\n")[-1] == lines[5] and parts[1].startswith(lines[6])
    emoji = "😀" * 600  # 4 bytes each
    assert [size(p) for p in split_utf8(emoji)] == [2044, 356]


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(min_value=4, max_value=2047))
def test_every_part_fits_and_nothing_is_lost(text, limit):
    parts = split_utf8(text, limit)
    assert all(0 < size(p) <= limit for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
