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
        ("赵坐席", "agent"),
        ("张编辑", "editor"),
        ("李审核", "reviewer"),
        ("王管理", "admin"),
    ]
    assert all("token" not in m and "token_hash" not in m for m in listed)
    wrong = admin.post("/admin/staff", json={"name": "赵", "role": "boss"})
    assert wrong.status_code == 422 and wrong.json()["detail"].startswith(
        "role（角色）只能是 agent（坐席）、editor（编辑）"
    )
    me = client.get("/admin/me", headers=bearer(BOOTSTRAP)).json()
    assert me == {
        "name": "内置管理员",
        "role": "admin",
        "role_name": "管理员",
        "permissions": ["audit", "edit", "live_chat", "manage_staff", "publish", "read"],
    }
    assert as_role("editor").get("/admin/me").json()["permissions"] == ["edit", "live_chat", "read"]
    assert as_role("agent").get("/admin/me").json()["permissions"] == ["live_chat"]


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


def test_an_unanswered_group_becomes_similar_questions_of_an_existing_faq(client, as_role, kb):
    """Not only a new FAQ: the ways citizens asked are added to the entry that answers them (a reviewed change)."""
    group = feedback.record_unanswered(kb, "补身份证得花几个钱")
    feedback.record_unanswered(kb, "补身份证得花几个钱啊")
    editor = as_role("editor")
    before = kb.get("faq", "faq-ga-001")
    made = editor.post(f"/admin/unanswered/{group}/similar", json={"faq_id": "faq-ga-001"})
    assert made.status_code == 201, made.text
    change = made.json()
    assert change["state"] == "draft" and change["id"] == "faq-ga-001"
    added = change["data"]["similar_questions"]
    assert added[:2] == ["身份证补办费用", "补身份证收费吗"] and added.count("补身份证得花几个钱") == 1
    assert kb.get("faq", "faq-ga-001") == before  # published only after review
    assert editor.get("/admin/unanswered").json()["items"] == []
    again = editor.post(f"/admin/unanswered/{group}/similar", json={"faq_id": "faq-ga-001"})
    assert again.status_code == 409 and "已处理" in again.json()["detail"]
    other = feedback.record_unanswered(kb, "公园几点关门")
    missing = editor.post(f"/admin/unanswered/{other}/similar", json={"faq_id": "faq-no-such"})
    assert missing.status_code == 404 and "不存在" in missing.json()["detail"]
    assert editor.post(f"/admin/unanswered/{other}/similar", json={}).status_code == 422


def test_per_entry_statistics_and_entries_never_hit(client, as_role, kb):
    feedback.record_question(kb, "补办身份证要多少钱", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_question(kb, "补身份证多少钱", answered=True, source_kind="faq", source_id="faq-ga-001")
    feedback.record_answer_feedback(kb, False, "faq:faq-ga-001", "补身份证多少钱")
    feedback.record_offer(kb, ["faq:faq-ga-001", "item:ga-idcard-reissue", "item:rs-sscard-apply"])
    feedback.record_offer(kb, [], chosen="item:ga-idcard-reissue")
    body = as_role("editor").get("/admin/stats/entries", params={"days": 30}).json()
    by_ref = {(e["type"], e["id"]): e for e in body["entries"]}
    faq = by_ref[("faq", "faq-ga-001")]  # the 没帮助 one no longer counts as answered
    assert (faq["answered"], faq["not_helpful"], faq["offered"], faq["offered_not_chosen"]) == (1, 1, 1, 1)
    item = by_ref[("item", "ga-idcard-reissue")]
    assert (item["answered"], item["offered"], item["chosen"], item["offered_not_chosen"]) == (0, 1, 1, 0)
    assert by_ref[("item", "rs-sscard-apply")]["offered_not_chosen"] == 1
    never = [(e["type"], e["id"]) for e in body["never_hit"]]
    assert never == [("app", "app-sscard-query"), ("package", "pk-newborn")] and body["never_hit_total"] == 2
    assert as_role("editor").get("/admin/stats/entries", params={"days": 0}).status_code == 422
