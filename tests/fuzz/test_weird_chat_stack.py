"""Valid but odd messages through the whole stack (gateway → Rasa → action server → index): emoji, control
characters, right-to-left marks, zero-width joiners, injection strings, text exactly at the length limit.
Each must get 200 and a non-empty Chinese reply in the contract's shape; over the limit, a Chinese 422."""

from __future__ import annotations

import uuid

import pytest

from tests.fuzz.strategies import CJK

pytestmark = pytest.mark.stack

WEIRD_BUT_VALID = {
    "emoji only": "😀👍🇨🇳",
    "punctuation only": "？？？!!",
    "control characters only": "\x00\x07\x1b",
    "emoji around a question": "身份证丢了怎么补办😭😭",
    "control characters": "身份证\x00丢了\x07怎么\x1b补办",
    "right-to-left override": "\u202e身份证丢了怎么补办\u202c",
    "zero-width characters": "身\u200b份\u200d证\ufeff补办",
    "another script": "مرحبا שָׁלוֹם",
    "injection strings": "'; DROP TABLE events; --<script>alert(1)</script>{{7*7}}${jndi:ldap://x}",
    "whitespace around": " \t\n 社保卡怎么办 \u3000\n",
    "fullwidth latin": "ｓｈｅｎｆｅｎｚｈｅｎｇ ｂｕｂａｎ",
    "exactly the limit": "补办身份证" * 100,
}


@pytest.mark.parametrize("text", list(WEIRD_BUT_VALID.values()), ids=list(WEIRD_BUT_VALID))
def test_odd_but_valid_messages_get_a_chinese_reply(stack, text):
    response = stack.chat("weird-" + uuid.uuid4().hex[:8], text)
    assert response.status_code == 200, (text, response.status_code, response.text[:300])
    body = response.json()
    assert body["messages"] and all(isinstance(m.get("text"), str) and m["text"].strip() for m in body["messages"])
    assert any(CJK.search(m["text"]) for m in body["messages"]), body
    assert isinstance(body["sources"], list) and "confidence" in body["intent"]


def test_over_the_limit_is_a_chinese_422_on_the_stack(stack):
    response = stack.chat("weird-long", "办" * 4000)
    assert response.status_code == 422 and "最多" in response.json()["detail"], response.text
