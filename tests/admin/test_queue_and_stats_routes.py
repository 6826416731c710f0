"""Unanswered-question queue, statistics and staff management over HTTP."""

from __future__ import annotations

from knowledge import feedback
from tests.admin.conftest import BOOTSTRAP, bearer


def test_unanswered_groups_and_make_an_faq(client, as_role, kb):
    group = feedback.record_unanswered(kb, "身份证丢了在外地能补办吗，我电话13812345678")
    feedback.record_unanswered(kb, "身份证丢了在外地能补办吗")
    feedback.record_unanswered(kb, "公园几点关门")
    editor = as_role("editor")
    listed = editor.get("/admin/unanswered").json()
    assert [(g["text"], g["count"]) for g in listed["items"]] == [
        ("身份证丢了在外地能补办吗，我电话[电话]", 2),
        ("公园几点关门", 1),
    ]
    template = editor.get(f"/admin/unanswered/{group}/faq-template").json()
    assert template["similar_questions"] == ["身份证丢了在外地能补办吗"]
    made = editor.post(
        f"/admin/unanswered/{group}/faq",
        json={
            "question": "身份证丢了在外地能补办吗",
            "answer": "可以，居民身份证补领已实现跨省通办。",
            "items": ["ga-idcard-reissue"],
            "department": "ga",
        },
    )
    assert made.status_code == 201, made.text
    assert (made.json()["id"], made.json()["state"]) == (f"faq-u{group}", "draft")
    assert [g["text"] for g in editor.get("/admin/unanswered").json()["items"]] == ["公园几点关门"]
    resolved = editor.get("/admin/unanswered", params={"state": "resolved"}).json()["items"]
    assert resolved[0]["faq_id"] == f"faq-u{group}"
    other = listed["items"][1]["id"]
    assert editor.post(f"/admin/unanswered/{other}/ignore").json() == {"id": other, "state": "ignored"}
    assert editor.post(f"/admin/unanswered/{other}/ignore").status_code == 404
    assert editor.get("/admin/unanswered/99999").status_code == 404
    bad = editor.post(f"/admin/unanswered/{group}/faq", json={"answer": "再来"})
    assert bad.status_code == 409


def test_stats_route(client, as_role, kb):
    feedback.record_question(kb, "补办身份证要多少钱", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_unanswered(kb, "养狗要办什么证")
    feedback.record_submission(kb, "appointment")
    feedback.record_rating(kb, 5, "faq:faq-ga-001")
    body = as_role("editor").get("/admin/stats").json()
    assert body["questions"] == {"total": 2, "answered": 1, "unanswered": 1, "answer_rate": 0.5}
    assert body["top_entries"] == [{"type": "faq", "id": "faq-ga-001", "title": "补办身份证要多少钱", "count": 1}]
    assert body["handoffs"]["by_target"] == {"appointment": 1}
    assert body["satisfaction"]["satisfied_rate"] == 1.0
    wrong = as_role("editor").get("/admin/stats", params={"since": "2026-02-01", "until": "2026-01-01"})
    assert wrong.status_code == 422 and wrong.json() == {"detail": "起始日期不能晚于结束日期"}


def test_staff_management(client, as_role):
    admin = as_role("admin")
    listed = admin.get("/admin/staff").json()["items"]
    assert [(m["name"], m["role"]) for m in listed] == [
        ("张编辑", "editor"),
        ("李审核", "reviewer"),
        ("王管理", "admin"),
    ]
    assert all("token" not in m and "token_hash" not in m for m in listed)
    wrong = admin.post("/admin/staff", json={"name": "赵", "role": "boss"})
    assert wrong.status_code == 422 and wrong.json()["detail"].startswith("role（角色）只能是 editor（编辑）")
    me = client.get("/admin/me", headers=bearer(BOOTSTRAP)).json()
    assert me == {
        "name": "内置管理员",
        "role": "admin",
        "role_name": "管理员",
        "permissions": ["audit", "edit", "manage_staff", "publish", "read"],
    }
    assert as_role("editor").get("/admin/me").json()["permissions"] == ["edit", "read"]


def test_index_status_reports_what_is_waiting_for_the_index(client, as_role, kb, tmp_path):
    from search.index import build_index

    before = as_role("editor").get("/admin/index-status").json()
    assert (before["applied_change"], before["state"], before["sync_enabled"]) == (None, "索引尚未建立", False)
    build_index(kb, client.app.state.resources.settings.index_dir)
    kb.upsert("faq", dict(kb.get("faq", "faq-ga-001"), answer="新答案。"))
    status = as_role("editor").get("/admin/index-status").json()
    assert status["pending_changes"] == 1 and status["state"] == "有 1 条修改等待进入索引"
    client.app.state.index_sync.sync.apply_pending()
    assert as_role("editor").get("/admin/index-status").json()["state"] == "已同步"
