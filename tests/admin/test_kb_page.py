"""GET /kb/faqs/{id}: a published FAQ shown whole (what chat links to for the rest of a long answer)."""

from __future__ import annotations

import json

from gateway.routes.kb_page import faq_path


def upload(records) -> dict:
    content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    return {"files": {"file": ("faqs.jsonl", content, "application/octet-stream")}}


def test_a_long_published_faq_is_shown_whole_escaped_and_masked(client, as_role):
    answer = "<script>alert(1)</script>第一段。\n\n" + "政策原文。" * 3000 + "联系人身份证 110101199003071234。"
    records = [
        {
            "id": "GIP_1/政策 全文",
            "question": "停车费<b>怎么</b>缴",
            "answer": answer,
            "department": "某市交通局",
            "status": "published",
        },
        {"id": "GIP_2", "question": "草稿问题", "answer": "草稿答案。", "status": "draft"},
    ]
    assert as_role("reviewer").post("/admin/faqs/import", **upload(records)).status_code == 200
    page = client.get(faq_path("GIP_1/政策 全文"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    assert "停车费&lt;b&gt;怎么&lt;/b&gt;缴" in text and "答复部门：某市交通局" in text
    assert text.count("政策原文。") == 3000
    assert "110101199003071234" not in text
    assert client.get(faq_path("GIP_2")).status_code == 404
    missing = client.get(faq_path("没有这条"))
    assert missing.status_code == 404 and "没有找到这条常见问题" in missing.text
