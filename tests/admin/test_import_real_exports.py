"""Imports of real exports (issue #15): ids as they come, unknown departments, shared questions, long
answers, Chinese columns, the per-row dry run, the partial mode and idempotent re-imports, over HTTP."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

HEADER_ZH = "编号,问题,相似问法,答案,部门,关键词,状态\n"


def upload(name: str, content: bytes) -> dict:
    return {"files": {"file": (name, content, "application/octet-stream")}}


def jsonl(*records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def test_real_ids_are_kept_verbatim_and_reachable_in_admin_urls(as_role, kb):
    ids = ["GIP_94145712", "常见问题/12", "问 答 1", "x//y"]
    content = jsonl(
        *(
            {"id": i, "question": f"真实问题{n}", "answer": f"答案{n}。", "status": "published"}
            for n, i in enumerate(ids)
        )
    )
    response = as_role("reviewer").post("/admin/faqs/import", **upload("faqs.jsonl", content))
    assert response.status_code == 200, response.text
    for entry_id in ids:
        assert kb.get("faq", entry_id)["id"] == entry_id
        shown = as_role("reviewer").get("/admin/faqs/" + quote(entry_id, safe=""))
        assert shown.status_code == 200, (entry_id, shown.text)
        assert shown.json()["id"] == entry_id
        versions = as_role("reviewer").get("/admin/faqs/" + quote(entry_id, safe="") + "/versions")
        assert versions.status_code == 200 and versions.json()["id"] == entry_id


def test_whitespace_and_control_character_ids_are_row_errors(as_role):
    content = jsonl(
        {"id": "   ", "question": "问题一", "answer": "答案。", "status": "published"},
        {"id": "a\u0007b", "question": "问题二", "answer": "答案。", "status": "published"},
    )
    response = as_role("reviewer").post("/admin/faqs/import", **upload("faqs.jsonl", content))
    assert response.status_code == 422
    assert [e["row"] for e in response.json()["errors"]] == [1, 2]


def test_unknown_departments_and_shared_questions_are_warnings_and_get_imported(as_role, kb):
    long_answer = "这是一段很长的政策原文。" * 1500  # 18,000 characters
    content = jsonl(
        {
            "id": "T_1",
            "question": "停车费怎么缴",
            "answer": long_answer,
            "department": "某市停车管理处",
            "status": "published",
        },
        {
            "id": "T_2",
            "question": "停车费怎么缴",
            "answer": "到交通局缴。",
            "department": "某市交通局",
            "status": "published",
        },
        {"id": "T_3", "question": "问" * 480, "answer": "答。", "department": "某市交通局", "status": "published"},
    )
    response = as_role("reviewer").post("/admin/faqs/import", **upload("faqs.jsonl", content))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["created"] == 3 and body["departments_created"] == 2
    assert sorted(body["new_departments"]) == ["某市交通局", "某市停车管理处"]
    reasons = [w["reason"] for w in body["warnings"]]
    assert any("某市停车管理处" in r and "新建" in r for r in reasons)
    assert any("与第 1 行相同" in r for r in reasons)
    assert kb.get("faq", "T_1")["answer"] == long_answer
    department = kb.get("faq", "T_2")["department"]
    assert kb.get("department", department)["name"] == "某市交通局"
    assert kb.get("faq", "T_3")["department"] == department


def test_chinese_columns_with_bom_and_gb18030(as_role, kb):
    rows = "Z-1,怎么办居住证,居住证办理|办居住证,带身份证到派出所。,ga,居住证,发布\n"
    for encoded in [
        ("\ufeff" + HEADER_ZH + rows).encode("utf-8"),
        (HEADER_ZH + rows.replace("Z-1", "Z-2")).encode("gb18030"),
    ]:
        response = as_role("reviewer").post("/admin/faqs/import", **upload("faqs.csv", encoded))
        assert response.status_code == 200, response.text
    for entry_id in ("Z-1", "Z-2"):
        entry = kb.get("faq", entry_id)
        assert entry["similar_questions"] == ["居住证办理", "办居住证"] and entry["status"] == "published"


def test_dry_run_reports_each_row_and_reimport_changes_nothing(as_role, kb):
    first = jsonl({"id": "R_1", "question": "问题甲", "answer": "答案甲。", "status": "published"})
    assert as_role("reviewer").post("/admin/faqs/import", **upload("f.jsonl", first)).status_code == 200
    content = jsonl(
        {"id": "R_1", "question": "问题甲", "answer": "答案甲。", "status": "published"},
        {"id": "R_2", "question": "问题乙", "answer": "答案乙。", "status": "published"},
        {"id": "R_3", "question": "问题丙", "answer": "", "status": "published"},
    )
    dry = as_role("reviewer").post("/admin/faqs/import?dry_run=true", **upload("f.jsonl", content))
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert [(r["row"], r["outcome"]) for r in body["rows"]] == [(1, "unchanged"), (2, "new"), (3, "error")]
    assert body["rows"][2]["reasons"] == ["answer（答案）不能为空"]
    assert body["totals"]["error"] == 1 and body["importable"] is False
    assert kb.get("faq", "R_2") is None
    before = kb.latest_change()
    assert as_role("reviewer").post("/admin/faqs/import", **upload("f.jsonl", first)).status_code == 200
    assert kb.latest_change() == before


def test_partial_mode_imports_valid_rows_and_returns_the_rest(as_role, kb):
    content = (HEADER_ZH + "P-1,问题一,,答案一。,ga,,published\nP-2,问题二,,,ga,,published\n").encode("utf-8")
    assert as_role("reviewer").post("/admin/faqs/import", **upload("f.csv", content)).status_code == 422
    assert kb.get("faq", "P-1") is None
    response = as_role("reviewer").post("/admin/faqs/import?mode=partial", **upload("f.csv", content))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["created"] == 1 and kb.get("faq", "P-1") is not None and kb.get("faq", "P-2") is None
    rejected = base64.b64decode(body["rejected_file"]["content_base64"]).decode("utf-8").splitlines()
    assert rejected[0] == HEADER_ZH.strip() + ",错误原因"
    assert rejected[1].startswith("P-2,问题二") and rejected[1].endswith("answer（答案）不能为空")
    bad_mode = as_role("reviewer").post("/admin/faqs/import?mode=some", **upload("f.csv", content))
    assert bad_mode.status_code == 422 and "partial" in bad_mode.json()["detail"]
