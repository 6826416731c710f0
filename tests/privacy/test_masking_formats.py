"""Issue #17: personal numbers in the forms a black-box probe got past the masking — digits in groups with
spaces or dashes, full-width or Chinese digits, glued to letters, percent-encoded in a URL query string.
Property tests over generated numbers and formats: whatever the form, neither the number nor its hidden
middle part is left in what `mask_text` or `redact_text` returns."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from privacy import mask_text, redact_text

FULLWIDTH = {str(n): chr(0xFF10 + n) for n in range(10)}
CHINESE = dict(zip("0123456789", "零一二三四五六七八九", strict=False))
READ_BACK = {**{v: k for k, v in FULLWIDTH.items()}, **{v: k for k, v in CHINESE.items()}, "〇": "0", "幺": "1"}
CONTEXT = (
    st.text(alphabet="我的号码是卡身份证请查一下谢谢，。", max_size=6)
    .map(lambda s: s.replace("一", ""))
    .filter(lambda s: not any(c in READ_BACK for c in s))
)

digit = st.sampled_from("0123456789")


@st.composite
def id_numbers(draw) -> str:
    area = draw(st.sampled_from(["110101", "140105", "310104", "440305"]))
    year = draw(st.integers(1930, 2020))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    tail = "".join(draw(st.lists(digit, min_size=3, max_size=3))) + draw(st.sampled_from("0123456789X"))
    return f"{area}{year}{month:02d}{day:02d}{tail}"


phones = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
cards = st.builds(
    lambda n, rest: "62" + rest[: n - 2], st.integers(16, 19), st.text(alphabet="0123456789", min_size=17, max_size=17)
)


def groups(number: str, sizes) -> list:
    out, at = [], 0
    for size in sizes:
        if at < len(number):
            out.append(number[at : at + size])
            at += size
    if at < len(number):
        out.append(number[at:])
    return out


@st.composite
def rendered(draw, numbers):
    number = draw(numbers)
    form = draw(
        st.sampled_from(["plain", "id-groups", "fours", "fullwidth", "chinese", "glued", "percent", "query-plus"])
    )
    sep = draw(st.sampled_from([" ", "-"]))
    if form == "id-groups":
        text = sep.join(groups(number, [6, 8, 4] if len(number) == 18 else [6, 4, 4]))
    elif form == "fours":
        text = sep.join(groups(number, [4] * 5))
    elif form == "fullwidth":
        text = "".join(FULLWIDTH.get(c, c) for c in number)
    elif form == "chinese":
        text = "".join(CHINESE.get(c, c) for c in number)
    elif form == "glued":
        text = draw(st.sampled_from(["sfz", "ID", "tel", "kh"])) + number + draw(st.sampled_from(["", "ok", "abc"]))
    elif form == "percent":
        text = "/api/search?q=" + quote("卡号" + number + "挂失")
    else:
        text = "/api/search?q=" + "+".join(groups(number, [4] * 5))
    return number, draw(CONTEXT) + text + draw(CONTEXT)


def digits_in(text: str) -> str:
    return "".join(READ_BACK.get(c, c) for c in text if c.isdigit() or c in READ_BACK or c == "X")


def assert_hidden(number: str, out: str) -> None:
    left = digits_in(out)
    assert number not in left, (number, out)
    assert len(left) <= 8, (number, out)  # at most the kept head and tail (the context has no digits)


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(st.one_of(rendered(id_numbers()), rendered(phones), rendered(cards)))
def test_no_format_of_a_number_survives_masking(case):
    number, text = case
    assert_hidden(number, mask_text(text))
    assert_hidden(number, redact_text(text))
    assert mask_text(mask_text(text)) == mask_text(text)


def test_the_probes_formats():
    for text in [
        "110101 19900307 7777",
        "110101-1990-0307-7777",
        "6222 0212 3456 7890",
        "6222-0212-3456-7890",
        "１３８１２３４５６７８",
        "一三八一二三四五六七八",
        "sfz110101199003077777",
        "/api/search?q=%E5%8D%A1%E5%8F%B76222021234567890123",
    ]:
        out = mask_text(text)
        assert "*" in out and all(len(digits_in(part)) <= 6 for part in out.split("*")), (text, out)
        assert "[" in redact_text(text), text


def test_numbers_that_are_not_personal_stay():
    for text in ["申办编号SX2026112300001", "2024-03-01 前办理", "办理时限20个工作日", "第1 2 3条", "一二三"]:
        assert mask_text(text) == text
