"""FAQ administration over HTTP: draft → review → publish, history, diff, rollback, audit."""

from __future__ import annotations

import pytest

NEW_FAQ = {
    "id": "faq-ga-002",
    "question": "身份证过期了怎么换",
    "similar_questions": ["身份证到期换证"],
    "answer": "有效期满前三个月内可申请换领。",
    "items": ["ga-idcard-reissue"],
    "department": "ga",
    "keywords": ["身份证"],
}


def test_editor_drafts_and_submits_reviewer_publishes(client, as_role, kb):
    editor, reviewer = as_role("editor"), as_role("reviewer")
    created = editor.post("/admin/faqs", json=NEW_FAQ)
    assert created.status_code == 201, created.text
    assert (created.json()["state"], created.json()["author"]) == ("draft", "张编辑")
    assert editor.post("/admin/faqs/faq-ga-002/submit").json()["state"] == "review"
    refused = editor.post("/admin/faqs/faq-ga-002/publish")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "编辑不能发布修改（包括自己的修改）：请提交审核，由审核员或管理员发布"}
    queue = reviewer.get("/admin/reviews").json()
    assert queue["total"] == 1
    assert queue["items"][0]["id"] == "faq-ga-002" and queue["items"][0]["title"] == "身份证过期了怎么换"
    assert [c["field"] for c in queue["items"][0]["changes"]] == [
        "answer",
        "department",
        "id",
        "items",
        "keywords",
        "question",
        "similar_questions",
    ]
    assert all(c["old"] is None for c in queue["items"][0]["changes"])
    published = reviewer.post("/admin/faqs/faq-ga-002/publish", json={"comment": "核对无误"})
    assert published.status_code == 200 and published.json() == {
        "id": "faq-ga-002",
        "kind": "faq",
        "version": 1,
        "action": "save",
    }
    assert kb.get("faq", "faq-ga-002")["reviewer"] == "李审核"
    shown = editor.get("/admin/faqs/faq-ga-002").json()
    assert shown["live"]["version"] == 1 and shown["pending"] is None
    listed = editor.get("/admin/faqs", params={"q": "过期"}).json()
    assert listed["total"] == 1 and listed["items"][0]["editor"] == "张编辑"
    audit = as_role("reviewer").get("/admin/audit", params={"entry_id": "faq-ga-002"}).json()
    assert [(row["actor"], row["action_name"]) for row in audit["items"]] == [
        ("李审核", "审核发布"),
        ("张编辑", "提交审核"),
        ("张编辑", "保存草稿"),
    ]


def test_history_diff_and_rollback(client, as_role, kb):
    editor, reviewer = as_role("editor"), as_role("reviewer")
    original = kb.get("faq", "faq-ga-001")
    assert editor.put("/admin/faqs/faq-ga-001", json=dict(original, answer="写错的答案。")).status_code == 200
    pending = editor.get("/admin/faqs/diff".replace("diff", "faq-ga-001/diff")).json()
    assert pending["changes"][0]["old"] == original["answer"] and pending["changes"][0]["new"] == "写错的答案。"
    reviewer.post("/admin/faqs/faq-ga-001/publish")
    versions = editor.get("/admin/faqs/faq-ga-001/versions").json()["versions"]
    assert [(v["version"], v["source"], v["actor"]) for v in versions] == [
        (1, "sample", "示例知识库"),
        (2, "admin", "李审核"),
    ]
    assert editor.get("/admin/faqs/faq-ga-001/versions/1").json()["data"]["answer"] == original["answer"]
    between = editor.get("/admin/faqs/faq-ga-001/diff", params={"from": 1, "to": 2}).json()["changes"]
    assert [(c["field"], c["new"]) for c in between] == [("answer", "写错的答案。")]
    refused = editor.post("/admin/faqs/faq-ga-001/rollback", json={"version": 1, "publish": True})
    assert refused.status_code == 403
    rolled = reviewer.post("/admin/faqs/faq-ga-001/rollback", json={"version": 1, "publish": True})
    assert rolled.status_code == 200 and rolled.json()["version"] == 3
    assert kb.get("faq", "faq-ga-001")["answer"] == original["answer"]


def test_errors_are_chinese_4xx(client, as_role):
    editor = as_role("editor")
    bad = editor.post("/admin/faqs", json={"id": "faq-x", "question": "问", "answer": "", "status": "published"})
    assert bad.status_code == 422
    assert bad.json() == {
        "detail": "answer（答案）不能为空",
        "errors": [{"field": "answer", "reason": "answer（答案）不能为空"}],
    }
    assert editor.post("/admin/faqs", json=dict(NEW_FAQ, id="faq-ga-001")).status_code == 409
    assert editor.get("/admin/faqs/faq-none").json() == {"detail": "常见问题 faq-none 不存在"}
    mismatch = editor.put("/admin/faqs/faq-ga-001", json=dict(NEW_FAQ))
    assert mismatch.status_code == 422 and "不一致" in mismatch.json()["detail"]
    assert editor.post("/admin/faqs", json=["not", "an", "object"]).status_code == 422
    assert editor.get("/admin/faqs", params={"state": "whatever"}).status_code == 422
    assert editor.post("/admin/faqs/faq-ga-001/submit").json() == {"detail": "常见问题 faq-ga-001 没有待发布的修改"}


def test_delete_goes_through_review(client, as_role, kb):
    editor, admin = as_role("editor"), as_role("admin")
    assert editor.delete("/admin/faqs/faq-ga-001").json()["action"] == "delete"
    pending = editor.get("/admin/faqs", params={"state": "pending"}).json()
    assert [(i["id"], i["action"], i["state"]) for i in pending["items"]] == [("faq-ga-001", "delete", "draft")]
    assert kb.get("faq", "faq-ga-001") is not None
    admin.post("/admin/faqs/faq-ga-001/publish")
    assert kb.get("faq", "faq-ga-001") is None


def test_synonyms_items_packages_apps_share_the_routes(client, as_role, kb):
    editor, reviewer = as_role("editor"), as_role("reviewer")
    created = editor.post("/admin/synonyms", json={"official": "结婚证", "colloquial": ["红本本"]})
    assert created.status_code == 201, created.text
    synonym_id = created.json()["id"]
    reviewer.post(f"/admin/synonyms/{synonym_id}/publish")
    assert kb.get("synonym", synonym_id)["colloquial"] == ["红本本"]
    app = kb.get("app", "app-sscard-query")
    editor.put("/admin/apps/app-sscard-query", json=dict(app, description="查询社保缴费记录。"))
    reviewer.post("/admin/apps/app-sscard-query/publish")
    assert kb.get("app", "app-sscard-query")["description"] == "查询社保缴费记录。"
    listed = editor.get("/admin/items").json()
    assert [i["id"] for i in listed["items"]] == ["ga-idcard-reissue", "rs-sscard-apply"]
    assert editor.get("/admin/packages/pk-newborn").json()["live"]["data"]["name"] == "新生儿出生一件事"
    departments = editor.get("/admin/departments").json()["items"]
    assert [d["id"] for d in departments] == ["ga", "rs"]
    assert editor.get("/admin/regions").json()["cities"][0]["name"] == "太原市"


def test_list_and_review_filters_refuse_unknown_values(client, as_role):
    editor = as_role("editor")
    assert editor.get("/admin/faqs", params={"state": "pending", "status": "published"}).status_code == 422
    wrong = editor.get("/admin/reviews", params={"kind": "dog"})
    assert wrong.status_code == 422 and wrong.json()["detail"].startswith("kind（类别）只能是 faq（常见问题）")


@pytest.mark.parametrize("link", ["javascript:alert(document.cookie)", "data:text/html,<b>x</b>", "http://pay.example"])
def test_a_link_outside_https_and_the_profile_s_app_schemes_is_refused(client, as_role, kb, link):
    """Issue #17: `javascript:` links were accepted by the admin API (and then served by /api/chat)."""
    app = kb.get("app", "app-sscard-query")
    refused = as_role("editor").put("/admin/apps/app-sscard-query", json=dict(app, link=link))
    assert refused.status_code == 422 and "协议" in refused.text, refused.text
    assert kb.get("app", "app-sscard-query")["link"] == app["link"]
    item = kb.get("item", "rs-sscard-apply")
    bad_item = dict(item, online=dict(item["online"], link=link))
    assert as_role("editor").put("/admin/items/rs-sscard-apply", json=bad_item).status_code == 422
