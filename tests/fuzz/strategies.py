"""Hypothesis strategies for hostile input, and the checks every answer must pass."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CJK = re.compile("[\u4e00-\u9fff]")
# Every fuzz test: the same examples on every run (CI is deterministic), no time limit per example (these
# are HTTP round trips to a real process), no example database. Used as @settings(FUZZ, max_examples=N).
FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# Strings that have broken real systems: injections, traversal, format strings, Unicode tricks.
NASTY = [
    "",
    " ",
    "\t\n",
    "\u3000",
    "\u00a0",
    "\x00",
    "\x07\x1b[31m",
    "\r\n\r\n",
    "\ufeff",
    "\u200b\u200d",
    "\u202e\u202d",
    "'; DROP TABLE entries; --",
    '" OR "1"="1',
    "1' OR '1'='1",
    "%",
    "%_%",
    "_",
    "\\",
    "\\u0000",
    "${jndi:ldap://x/a}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "]]><xml/>",
    "<![CDATA[x]]>",
    "../../../../etc/passwd",
    "..\\..\\boot.ini",
    "%s%s%s%n",
    "{0.__class__}",
    "$(reboot)",
    "`id`",
    "null",
    "NaN",
    "😀",
    "👨‍👩‍👧‍👦",
    "🇨🇳",
    "\U0001f600" * 40,
    "ｓｈｅｎｆｅｎｚｈｅｎｇ",
    "身份证",
    "身份证丢了怎么补办",
    "太原市",
    "مرحبا",
    "שָׁלוֹם",
    "\u0301\u0301\u0301",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫ",
    "\ud7ff\ue000\ufffd\uffff",
    "\U0010ffff",
]

lone_surrogate = st.integers(0xD800, 0xDFFF).map(chr)
any_char = st.one_of(st.characters(), st.characters(max_codepoint=0x7F), lone_surrogate)


def weird_text(max_size: int = 40, surrogates: bool = True) -> st.SearchStrategy[str]:
    """Mostly short strings of any character (control characters, emoji, RTL marks, combining marks),
    the nasty list, and long runs around the limits the API declares."""
    chars = (
        any_char
        if surrogates
        else st.one_of(st.characters(exclude_categories=("Cs",)), st.characters(max_codepoint=0x7F))
    )
    nasty = st.sampled_from(NASTY if surrogates else [s for s in NASTY if not has_surrogate(s)])
    long = st.builds(
        lambda c, n: c * n,
        st.sampled_from(["a", "办", " ", "😀", "\x00"]),
        st.sampled_from([31, 32, 33, 64, 65, 100, 101, 127, 128, 129, 200, 201, 499, 500, 501, 2001]),
    )
    parts = st.lists(st.one_of(st.text(chars, max_size=max_size), nasty), min_size=1, max_size=3).map("".join)
    return st.one_of(parts, long, nasty)


def has_surrogate(value: Any) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in _strings(value))


def _strings(value: Any):
    if isinstance(value, str):
        yield from value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    weird_text(),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(weird_text(12), inner, max_size=4)),
    max_leaves=12,
)


def encode_json(value: Any, raw_utf8: bool) -> bytes:
    """JSON bytes as a client would send them; lone surrogates can only travel as \\u escapes."""
    if raw_utf8 and not has_surrogate(value):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    return json.dumps(value, ensure_ascii=True).encode("ascii")


def assert_clear_4xx(response: httpx.Response, context: Any = None) -> str:
    """A 4xx whose JSON body is {"detail": "<Chinese>", ...}: the contract's error shape."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500], context)
    assert response.headers.get("content-type", "").startswith("application/json"), (response.headers, context)
    detail = response.json().get("detail")
    assert isinstance(detail, str) and CJK.search(detail), (response.text[:500], context)
    assert "Traceback" not in detail and "Error" not in detail, (detail, context)
    return detail


def assert_not_5xx(response: httpx.Response, context: Any = None, allowed_503: Optional[str] = None) -> None:
    if response.status_code == 503 and allowed_503 is not None:
        assert allowed_503 in response.json()["detail"], (response.text, context)
        return
    assert response.status_code < 500, (response.status_code, response.text[:500], context)


DELETE = object()  # a mutation that removes the key


def mutated(base: st.SearchStrategy[dict], keys, hostile: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """`base` (valid requests) with one or two keys removed or replaced by a hostile value: near-misses,
    which is where validation mistakes hide."""

    def apply(document: dict, changes) -> dict:
        document = dict(document)
        for key, value in changes:
            if value is DELETE:
                document.pop(key, None)
            else:
                document[key] = value
        return document

    change = st.tuples(st.sampled_from(list(keys)), st.one_of(st.just(DELETE), hostile))
    return st.builds(apply, base, st.lists(change, min_size=1, max_size=2))


def valid_text(max_len: int) -> st.SearchStrategy[str]:
    """Odd but acceptable text: non-blank, within `max_len` after trimming, no lone surrogates."""
    return st.one_of(
        st.sampled_from(["身份证丢了怎么补办", "社保卡怎么办", "😀", "‮身份证", "' OR 1=1 --", "<b>hi</b>"]),
        weird_text(30, surrogates=False),
    ).filter(lambda s: 0 < len(s.strip()) <= max_len)
