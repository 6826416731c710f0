"""Draft → review → publish, on SQLite and PostgreSQL: roles, conflicts, history, diff, rollback, audit."""

from __future__ import annotations

import pytest

from knowledge import audit
from knowledge.staff import StaffMember
from knowledge.workflow import Conflict, Forbidden, Invalid, NotFound, Workflow

EDITOR = StaffMember("张编辑", "editor", 1)
REVIEWER = StaffMember("李审核", "reviewer", 2)
ADMIN = StaffMember("王管理", "admin", 3)

NEW_FAQ = {
    "id": "faq-ga-002",
    "question": "身份证过期了怎么换",
    "similar_questions": ["身份证到期换证"],
    "answer": "有效期满前三个月内可申请换领。",
    "items": ["ga-idcard-reissue"],
    "department": "ga",
    "keywords": ["身份证"],
}


@pytest.fixture
def flow(kb):
    return Workflow(kb)


def test_new_faq_is_live_only_after_a_reviewer_publishes_it(kb, flow):
    start = kb.latest_change()
    draft = flow.save("faq", NEW_FAQ, EDITOR, create=True)
    assert (draft["state"], draft["author"], draft["base_version"]) == ("draft", "张编辑", 0)
    assert kb.get("faq", "faq-ga-002") is None and kb.latest_change() == start  # nothing live yet
    assert flow.submit("faq", "faq-ga-002", EDITOR)["state"] == "review"
    with pytest.raises(Forbidden) as refused:
        flow.publish("faq", "faq-ga-002", EDITOR)
    assert refused.value.status == 403 and "编辑不能发布" in refused.value.message
    result = flow.publish("faq", "faq-ga-002", REVIEWER, "核对无误")
    assert result == {"id": "faq-ga-002", "kind": "faq", "version": 1, "action": "save"}
    live = kb.get("faq", "faq-ga-002")
    assert (live["status"], live["editor"], live["reviewer"]) == ("published", "张编辑", "李审核")
    assert kb.changes_since(start) == [(start + 1, "faq", "faq-ga-002")]
    assert flow.open_change("faq", "faq-ga-002") is None
    actions = [row["action"] for row in audit.entries(kb, kind="faq", entry_id="faq-ga-002")[1]]
    assert actions == ["publish", "submit", "save_draft"]


def test_a_reviewer_may_publish_their_own_change(kb, flow):
    flow.save("faq", dict(NEW_FAQ), REVIEWER, create=True)
    assert flow.publish("faq", "faq-ga-002", REVIEWER)["version"] == 1


def test_editing_a_live_entry_leaves_it_live_until_published(kb, flow):
    before = kb.get("faq", "faq-ga-001")
    changed = dict(before, answer="补领收取工本费20元，可微信支付。")
    flow.save("faq", changed, EDITOR)
    assert kb.get("faq", "faq-ga-001")["answer"] == before["answer"]
    diff = flow.diff("faq", "faq-ga-001", None, None)
    assert diff["changes"] == [
        {
            "field": "answer",
            "label": "answer（答案）",
            "change": "changed",
            "old": before["answer"],
            "new": "补领收取工本费20元，可微信支付。",
        }
    ]
    flow.publish("faq", "faq-ga-001", ADMIN)
    assert kb.get("faq", "faq-ga-001")["answer"] == "补领收取工本费20元，可微信支付。"
    assert [v["version"] for v in flow.history("faq", "faq-ga-001")] == [1, 2]


def test_reject_sends_the_change_back_as_a_draft_with_the_comment(kb, flow):
    flow.save("faq", NEW_FAQ, EDITOR, create=True)
    flow.submit("faq", "faq-ga-002", EDITOR)
    back = flow.reject("faq", "faq-ga-002", REVIEWER, "答案缺少办理地点")
    assert (back["state"], back["comment"], back["reviewer"]) == ("draft", "答案缺少办理地点", "李审核")
    with pytest.raises(Forbidden):
        flow.reject("faq", "faq-ga-002", EDITOR, "编辑不能退回")


def test_publishing_a_change_made_from_an_older_version_is_a_conflict(kb, flow):
    entry = kb.get("faq", "faq-ga-001")
    flow.save("faq", dict(entry, answer="编辑甲的修改。"), EDITOR)
    kb.upsert("faq", dict(entry, answer="导入的新版本。"), actor="导入", source="import")
    with pytest.raises(Conflict) as conflict:
        flow.publish("faq", "faq-ga-001", REVIEWER)
    assert "当前第 2 版" in conflict.value.message
    assert kb.get("faq", "faq-ga-001")["answer"] == "导入的新版本。"


def test_deletion_is_a_reviewed_change_too(kb, flow):
    start = kb.latest_change()
    flow.request_delete("faq", "faq-ga-001", EDITOR)
    assert kb.get("faq", "faq-ga-001") is not None
    flow.publish("faq", "faq-ga-001", REVIEWER)
    assert kb.get("faq", "faq-ga-001") is None
    assert kb.changes_since(start) == [(start + 1, "faq", "faq-ga-001")]
    assert [(v["version"], v["action"]) for v in flow.history("faq", "faq-ga-001")] == [(1, "save"), (2, "delete")]


def test_rollback_restores_an_old_version_as_a_new_one(kb, flow):
    entry = kb.get("faq", "faq-ga-001")
    flow.save("faq", dict(entry, answer="错误的答案。"), EDITOR)
    flow.publish("faq", "faq-ga-001", REVIEWER)
    with pytest.raises(Forbidden):
        flow.rollback("faq", "faq-ga-001", 1, EDITOR, publish=True)
    drafted = flow.rollback("faq", "faq-ga-001", 1, EDITOR)
    assert drafted["state"] == "draft" and drafted["data"]["answer"] == entry["answer"]
    result = flow.publish("faq", "faq-ga-001", REVIEWER)
    assert result["version"] == 3
    assert kb.get("faq", "faq-ga-001")["answer"] == entry["answer"]
    assert [v["source"] for v in flow.history("faq", "faq-ga-001")] == ["sample", "admin", "rollback"]
    assert flow.diff("faq", "faq-ga-001", 2, 3)["changes"][0]["new"] == entry["answer"]


def test_invalid_entries_are_refused_with_chinese_reasons(kb, flow):
    with pytest.raises(Invalid) as bad:
        flow.save("faq", {"id": "FAQ\t1", "question": "", "answer": "答"}, EDITOR, create=True)
    assert bad.value.problems == [
        ("id", "id（编号）不能只有空格，也不能含有控制字符（如换行、制表符）"),
        ("question", "question（问题）不能为空"),
    ]
    with pytest.raises(Invalid) as broken:
        flow.save("faq", dict(NEW_FAQ, items=["no-such-item"], department="nobody"), EDITOR, create=True)
    assert broken.value.problems == [
        ("department", "department（部门）“nobody”不存在"),
        ("items", "items（关联事项）“no-such-item”不存在"),
    ]


def test_create_refuses_an_existing_id_and_update_an_unknown_one(kb, flow):
    with pytest.raises(Conflict):
        flow.save("faq", dict(NEW_FAQ, id="faq-ga-001"), EDITOR, create=True)
    with pytest.raises(NotFound):
        flow.save("faq", dict(NEW_FAQ, id="faq-none"), EDITOR)
    with pytest.raises(NotFound):
        flow.publish("faq", "faq-ga-001", REVIEWER)  # nothing open


def test_other_kinds_go_through_the_same_workflow(kb, flow):
    item = kb.get("item", "rs-sscard-apply")
    flow.save("item", dict(item, fee="免费"), EDITOR)
    flow.publish("item", "rs-sscard-apply", REVIEWER)
    assert kb.get("item", "rs-sscard-apply")["fee"] == "免费"
    flow.save("synonym", {"id": "syn-marriage", "official": "结婚证", "colloquial": ["红本本"]}, EDITOR, create=True)
    flow.publish("synonym", "syn-marriage", ADMIN)
    assert '"official": "结婚证"' in kb.get_meta("synonyms")
