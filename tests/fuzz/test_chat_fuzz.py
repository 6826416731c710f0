"""Property-based fuzzing of POST /api/chat against the real gateway process (Rasa not running).

The property: every body either is a valid chat request — then it passes validation and reaches the
dialogue engine, whose absence gives the clear 503 (or the rate limit a 429) — or it is refused with a
4xx and a Chinese `detail`. Which of the two is predicted independently from the contract (required
`sender_id` and `text`, strict types, lengths after trimming), so a body wrongly let through or wrongly
refused fails, and so does any 5xx other than that 503."""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import UNAVAILABLE_HINT
from tests.fuzz.strategies import (
    FUZZ,
    assert_clear_4xx,
    encode_json,
    has_surrogate,
    json_values,
    mutated,
    valid_text,
    weird_text,
)

CHAT_MAX_CHARS = 500  # settings.chat_max_chars default (the fuzz gateway keeps it)

field = st.one_of(weird_text(), json_values)
valid_bodies = st.fixed_dictionaries(
    {"sender_id": st.one_of(st.just("u-fuzz"), valid_text(128)), "text": valid_text(CHAT_MAX_CHARS)},
    optional={
        "channel": st.one_of(st.none(), st.sampled_from(["app", "web", "miniprogram", ""]), valid_text(32)),
        "elder_mode": st.one_of(st.none(), st.booleans()),
        "region": st.one_of(st.none(), st.sampled_from(["太原市", "小店区", ""]), valid_text(32)),
        "extra": field,
    },
)
bodies = st.one_of(
    valid_bodies, mutated(valid_bodies, ["sender_id", "text", "channel", "elder_mode", "region"], field), json_values
)


def _text_ok(value: Any, limit: int, required: bool = True, strip: bool = True) -> bool:
    if value is None:
        return not required
    if not isinstance(value, str):
        return False
    value = value.strip() if strip else value
    return (not required or len(value) >= 1) and len(value) <= limit


def is_valid_chat(body: Any) -> bool:
    """The contract's rules for a chat request, written independently of gateway/schemas.py."""
    if not isinstance(body, dict) or has_surrogate(body):
        return False
    if "sender_id" not in body or "text" not in body:
        return False
    return (
        _text_ok(body["sender_id"], 128)
        and _text_ok(body["text"], CHAT_MAX_CHARS)
        and _text_ok(body.get("channel"), 32, required=False, strip=False)
        and (body.get("elder_mode") is None or isinstance(body.get("elder_mode"), bool))
        and _text_ok(body.get("region"), 32, required=False)
    )


@settings(FUZZ, max_examples=150)
@given(body=bodies, raw_utf8=st.booleans())
def test_chat_bodies_are_answered_or_refused_in_chinese(gw, body, raw_utf8):
    response = gw.client.post(
        "/api/chat", content=encode_json(body, raw_utf8), headers={"Content-Type": "application/json"}
    )
    event(f"HTTP {response.status_code}")
    if is_valid_chat(body):
        assert response.status_code in (503, 429), (body, response.status_code, response.text)
        detail = response.json()["detail"]
        assert UNAVAILABLE_HINT in detail if response.status_code == 503 else "秒后再试" in detail
    else:
        assert_clear_4xx(response, body)
        assert response.status_code == 422, (body, response.text)


# What an HTTP header value may carry (visible ASCII, space, tab, obs-text); the rest is refused by the HTTP
# parser itself before any application code runs.
header_chars = st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.sampled_from("\t\x85\xa0\xe9\xff"))
bearer_values = st.one_of(
    st.builds(
        lambda scheme, sep, token: f"{scheme}{sep}{token}",
        st.sampled_from(["Bearer", "bearer", "BEARER", "Basic", "Token", ""]),
        st.sampled_from([" ", "  ", "\t", ""]),
        st.text(header_chars, max_size=20),
    ),
    st.text(header_chars, max_size=30),
    st.builds(lambda n: "Bearer " + "t" * n, st.sampled_from([1, 511, 512, 513, 4000])),
)


def bearer_ok(header: str) -> bool:
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    return scheme.lower() == "bearer" and 0 < len(token) <= 512 and not any(c.isspace() for c in token)


@settings(FUZZ, max_examples=60)
@given(header=bearer_values)
def test_identity_header_is_a_bearer_token_or_a_chinese_401(gw, header):
    header = header.strip(" \t")  # HTTP trims these around a field value (and httpx refuses to send them)
    response = gw.client.post(
        "/api/chat",
        json={"sender_id": "u-bearer", "text": "我的办件进度"},
        headers={"Authorization": header.encode("latin-1")},
    )
    event(f"HTTP {response.status_code}")
    if bearer_ok(header):
        assert response.status_code in (503, 429), (header, response.text)
    else:
        assert response.status_code == 401, (header, response.text)
        assert_clear_4xx(response, header)
        assert response.headers["www-authenticate"] == "Bearer"
