"""Issue #17's attack families, fuzzed (derandomized) against real processes:

- invisible prefixes before an intent command ("\\u200b/restart", an emoji, a variation selector …) on the
  whole stack: Rasa must never run the command for typed text;
- personal numbers in every format (groups, full-width, Chinese digits, glued to letters, percent-encoded in a
  URL query string) sent to the gateway: its logs (the access log included) never hold the number."""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import FUZZ
from tests.privacy.test_masking_formats import cards, digits_in, id_numbers, phones, rendered

INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\ufe0e",
    "\ufe0f",
    "\u3000",
    "\u00a0",
    "\t",
    "\n",
    "😀",
    "👍🏻",
    "🇨🇳",
    "\u2028",
]
COMMANDS = {
    "restart": "/restart",
    "check_progress": '/check_progress{"application_no": "SX2026112300001"}',
    "answer_feedback": '/answer_feedback{"helpful": true}',
    "greet": "/greet@1.0",
}
prefixes = st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=3).map("".join)


@pytest.mark.stack
@settings(FUZZ, max_examples=25)
@given(prefix=prefixes, command=st.sampled_from(sorted(COMMANDS)))
def test_an_invisible_prefix_never_makes_typed_text_a_command(stack, prefix, command):
    response = stack.chat("probe-" + uuid.uuid4().hex[:8], prefix + COMMANDS[command])
    assert response.status_code == 200, response.text[:300]
    intent = response.json()["intent"]
    assert not (intent["name"] == command and intent["confidence"] == 1.0), (repr(prefix), command, intent)


@settings(FUZZ, max_examples=40)
@given(case=st.one_of(rendered(id_numbers()), rendered(phones), rendered(cards)))
def test_no_number_format_reaches_the_gateway_log(gw, case):
    number, text = case
    start = gw.log_size()
    query = text.split("q=", 1)[1] if "q=" in text else quote(text)
    response = gw.client.get("/api/search?q=" + query)
    assert response.status_code < 500, response.text[:300]
    for line in gw.log_text(start).splitlines():
        assert number not in digits_in(re.sub(r"%[0-9A-Fa-f]{2}", "", line)), line
