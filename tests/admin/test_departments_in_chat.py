"""On the real stack: the same question imported from two departments (a real export has such rows, issue
#15). The chat answers once, names the department whose answer it shows and offers the other department's;
a question that names a department gets that department's answer."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from devtools.support.waiting import wait_until
from tests.conftest import STACK_ADMIN_TOKEN as TOKEN

pytestmark = pytest.mark.stack
QUESTION = "城市书房夜间延时开放归哪个部门管"
ANSWERS = {
    "dep-dup-wl": ("某区文化和旅游局", "文旅局的答复：城市书房由区图书馆统一运营，延时开放时间在各书房门口公示。"),
    "dep-dup-jd": ("某街道办事处", "街道的答复：辖区内城市书房的场地由街道提供，开放时间请咨询区图书馆。"),
}


def test_one_question_from_two_departments(stack):
    rows = [
        {"id": faq_id, "question": QUESTION, "answer": answer, "department": department, "status": "published"}
        for faq_id, (department, answer) in ANSWERS.items()
    ]
    content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    response = httpx.post(
        stack.gateway + "/admin/faqs/import",
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("faqs.jsonl", content, "application/x-ndjson")},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert any("不同部门回答同一问题" in w["reason"] for w in response.json()["warnings"]), response.text

    sender = "u-" + uuid.uuid4().hex[:8]

    def answered():
        reply = stack.chat(sender, QUESTION).json()
        return reply if reply["sources"] and reply["sources"][0]["id"] in ANSWERS else None

    reply = wait_until(answered, 10, "answered from one of the imported FAQs", interval=0.3)
    shown = reply["sources"][0]["id"]
    other = next(i for i in ANSWERS if i != shown)
    texts = [m["text"] for m in reply["messages"]]
    assert ANSWERS[shown][1] in texts[0]
    offer = next(m for m in reply["messages"] if m["type"] == "buttons" and "其他部门" in m["text"])
    assert f"以上是{ANSWERS[shown][0]}的答复" in offer["text"]
    assert [b["title"] for b in offer["buttons"]] == [ANSWERS[other][0]]  # never a menu of identical titles

    picked = stack.chat(sender, "1").json()
    assert picked["sources"][0]["id"] == other and ANSWERS[other][1] in picked["messages"][0]["text"]

    for faq_id, (department, answer) in ANSWERS.items():  # the named department's answer, no menu
        named = stack.chat("u-" + uuid.uuid4().hex[:8], f"{department}：{QUESTION}").json()
        assert named["sources"][0]["id"] == faq_id and answer in named["messages"][0]["text"], named
        assert not any("其他部门" in m["text"] for m in named["messages"]), named
