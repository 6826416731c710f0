"""The contract's promise, end to end on the real stack (gateway, Rasa, action server): FAQs imported
through POST /admin/faqs/import are answered in chat within 5 seconds, with no restart and no retraining."""

from __future__ import annotations

import time
import uuid

import pytest

from devtools.support.waiting import wait_until
from tests.conftest import STACK_ADMIN_TOKEN as TOKEN

pytestmark = pytest.mark.stack
HEADER = "id,question,similar_questions,answer,department,keywords,status\n"


@pytest.fixture
def staff_stack(stack):
    return stack  # the shared stack; it has a staff admin token


def test_imported_faq_is_answered_in_chat_within_5_seconds(staff_stack):
    import httpx

    # A general question (intent ask_question): this test is about publish-to-chat latency, not NLU.
    question = "咨询一下，养犬登记证怎么办"
    before = staff_stack.chat("u-" + uuid.uuid4().hex[:8], question).json()
    assert "faq-dog-001" not in [s["id"] for s in before["sources"]]
    content = (
        HEADER + f"faq-dog-001,{question},办狗证|养狗要办什么证|狗证怎么办,"
        '到居住地公安派出所办理养犬登记证，需携带身份证、犬只免疫证明。,ga,"养犬,狗证",published\n'
    ).encode()
    response = httpx.post(
        staff_stack.gateway + "/admin/faqs/import",
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("faqs.csv", content, "text/csv")},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    finished = time.monotonic()

    def answered():
        reply = staff_stack.chat("u-" + uuid.uuid4().hex[:8], question).json()
        return reply if reply["sources"] and reply["sources"][0]["id"] == "faq-dog-001" else None

    reply = wait_until(answered, 5, "answered from the new FAQ", interval=0.2)
    assert time.monotonic() - finished < 5
    assert reply["sources"][0] == {"type": "faq", "id": "faq-dog-001", "title": question}
    assert "养犬登记证" in " ".join(m["text"] for m in reply["messages"])
