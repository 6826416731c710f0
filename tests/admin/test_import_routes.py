"""POST /admin/faqs/import (multipart `file`) and GET /admin/faqs/export, over HTTP."""

from __future__ import annotations

import io

from openpyxl import load_workbook

HEADER = "id,question,similar_questions,answer,department,keywords,status\n"


REPORT_KEYS = ("rows", "totals", "warnings", "errors", "new_departments", "mode", "importable", "departments_created")


def summary(result: dict) -> dict:
    """The counts of an import result, without its per-row report (tested in test_import_real_exports)."""
    return {k: v for k, v in result.items() if k not in REPORT_KEYS}


def upload(name: str, content: bytes) -> dict:
    return {"files": {"file": (name, content, "application/octet-stream")}}


def test_import_publishes_and_reports_counts(client, as_role, kb):
    content = (
        HEADER + 'faq-n-1,新问题一,问法一|问法二,答案一。,ga,"甲,乙",published\nfaq-n-2,新问题二,,答案二。,,,draft\n'
    ).encode()
    start = kb.latest_change()
    response = as_role("reviewer").post("/admin/faqs/import", **upload("faqs.csv", content))
    assert response.status_code == 200, response.text
    assert summary(response.json()) == {
        "kind": "faq",
        "total": 2,
        "published": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "drafts": 1,
        "change_seq": start + 1,
    }
    assert kb.get("faq", "faq-n-1")["similar_questions"] == ["问法一", "问法二"]


def test_bad_rows_come_back_numbered_and_nothing_is_imported(client, as_role, kb):
    content = (
        HEADER + "faq-n-1,新问题一,,答案一。,ga,,published\n"
        "faq-n-2,新问题二,,,ga,,published\n"
        "faq-n-3,新问题三,,答案三。,ga,,pending\n"
    ).encode()
    before = (kb.count(), kb.latest_change())
    response = as_role("admin").post("/admin/faqs/import", **upload("faqs.csv", content))
    assert response.status_code == 422
    assert response.json() == {
        "detail": "导入失败：文件中有 2 行有误，整个文件都没有导入，请改正后重新导入",
        "errors": [
            {"row": 3, "field": "answer", "reason": "answer（答案）不能为空"},
            {
                "row": 4,
                "field": "status",
                "reason": "status（状态）不能是“pending”，只能是 published（发布）或 draft（草稿）",
            },
        ],
    }
    assert (kb.count(), kb.latest_change()) == before


def test_dry_run_checks_without_importing(client, as_role, kb):
    content = (HEADER + "faq-n-1,新问题一,,答案一。,ga,,published\n").encode()
    response = as_role("reviewer").post("/admin/faqs/import?dry_run=true", **upload("faqs.csv", content))
    assert summary(response.json()) == {"kind": "faq", "total": 1, "published": 1, "drafts": 0, "dry_run": True}
    assert kb.get("faq", "faq-n-1") is None


def test_editor_may_import_drafts_but_not_publish(client, as_role, kb):
    content = (HEADER + "faq-n-1,新问题一,,答案一。,ga,,published\n").encode()
    refused = as_role("editor").post("/admin/faqs/import", **upload("faqs.csv", content))
    assert refused.status_code == 403 and refused.json()["detail"].startswith("编辑不能直接发布：文件中第 2 行")
    accepted = as_role("editor").post(
        "/admin/faqs/import", **upload("faqs.csv", content.replace(b"published", b"draft"))
    )
    assert accepted.status_code == 200 and accepted.json()["drafts"] == 1


def test_large_files_pass_the_gateway_body_limit_up_to_the_import_limit(client, as_role, kb):
    rows = "".join(f"faq-big-{n},第{n}个大问题,,{'很长的答案。' * 10},ga,,published\n" for n in range(2000))
    content = (HEADER + rows).encode()
    assert len(content) > 64 * 1024
    response = as_role("reviewer").post("/admin/faqs/import", **upload("faqs.csv", content))
    assert response.status_code == 200 and response.json()["created"] == 2000
    too_big = b"x" * (client.app.state.resources.settings.staff_import_max_mb * 1024 * 1024 + 1)
    assert as_role("reviewer").post("/admin/faqs/import", **upload("faqs.csv", too_big)).status_code == 413
    assert (
        as_role("reviewer")
        .post("/admin/faqs", content=b"{" + b" " * 70000 + b"}", headers={"Content-Type": "application/json"})
        .status_code
        == 413
    )


def test_export_in_each_format(client, as_role):
    editor = as_role("editor")
    csv_response = editor.get("/admin/faqs/export", params={"format": "csv"})
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8").splitlines()
    assert lines[0] == "id,question,similar_questions,answer,department,keywords,status,items"
    assert (
        lines[1]
        == 'faq-ga-001,补办身份证要多少钱,身份证补办费用|补身份证收费吗,补领居民身份证收取工本费20元。,ga,"身份证,收费",published,ga-idcard-reissue'
    )
    sheet = load_workbook(io.BytesIO(editor.get("/admin/faqs/export", params={"format": "xlsx"}).content)).active
    assert sheet["B2"].value == "补办身份证要多少钱"
    assert editor.get("/admin/faqs/export", params={"format": "jsonl"}).content.count(b"\n") == 1
    assert editor.get("/admin/items/export", params={"format": "csv"}).json() == {"detail": "事项只能导出为 jsonl 格式"}
