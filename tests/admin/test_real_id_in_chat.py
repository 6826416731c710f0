"""On the real stack: a FAQ imported with a real export's id (capitals, underscore) is answered in chat and
found by search with that id verbatim in `sources[].id` / `results[].id` (issue #15)."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import pytest

from devtools.support.waiting import wait_until
from tests.conftest import STACK_ADMIN_TOKEN as TOKEN

pytestmark = pytest.mark.stack
FAQ_ID = "GIP_Dog_94145712"
ODD_ID = "旧系统 100%/第2条"  # "%", "/", a space and Chinese: URL-encoded by the client, decoded once by the server


def test_real_export_id_is_kept_in_chat_and_search(stack):
    import httpx

    question = "咨询一下，宠物犬的养犬登记证在哪里办"
    record = {
        "id": FAQ_ID,
        "question": question,
        "similar_questions": "办狗证|宠物狗登记证怎么办",
        "answer": "到居住地公安派出所办理养犬登记证，需携带身份证、犬只免疫证明。",
        "department": "某市公安局治安管理支队",  # not in the profile: created, with a warning
        "keywords": "养犬,狗证",
        "status": "published",
    }
    odd = {"id": ODD_ID, "question": "一个编号很特别的问题", "answer": "答案。", "status": "published"}
    content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (record, odd)).encode()
    response = httpx.post(
        stack.gateway + "/admin/faqs/import",
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("faqs.jsonl", content, "application/x-ndjson")},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["new_departments"] == ["某市公安局治安管理支队"]

    def answered():
        reply = stack.chat("u-" + uuid.uuid4().hex[:8], question).json()
        return reply if reply["sources"] and reply["sources"][0]["id"] == FAQ_ID else None

    reply = wait_until(answered, 10, "answered from the imported FAQ", interval=0.3)
    assert reply["sources"][0] == {"type": "faq", "id": FAQ_ID, "title": question}
    found = httpx.get(stack.gateway + "/api/search", params={"q": "养犬登记证", "type": "faq"}, timeout=30).json()
    assert FAQ_ID in [r["id"] for r in found["results"]]
    for entry_id in (FAQ_ID, ODD_ID):
        shown = httpx.get(
            stack.gateway + "/admin/faqs/" + quote(entry_id, safe=""), headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert shown.status_code == 200 and shown.json()["id"] == entry_id, shown.text
    page = httpx.get(stack.gateway + "/kb/faqs/" + quote(ODD_ID, safe=""))
    assert page.status_code == 200 and "一个编号很特别的问题" in page.text
