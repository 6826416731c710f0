"""Importing the 办事指南 catalogue export through the staff API (issue #15 part 2): rows grouped into items
with their 情形 and per-city places, drafts for review or published by a reviewer; a bad mapping is a
Chinese 4xx."""

from __future__ import annotations

from pathlib import Path

EXPORTS = Path(__file__).resolve().parents[2] / "knowledge" / "sample" / "exports"


def upload(role, **params):
    content = (EXPORTS / "guides-demo.csv").read_bytes()
    return role.post("/admin/guides/import", params=params, files={"file": ("guides.csv", content, "text/csv")})


def test_an_editor_imports_drafts_and_a_reviewer_publishes(client, as_role, kb):
    checked = upload(as_role("editor"), dry_run="true")
    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert body["totals"]["new"] == 33 and body["export_rows"] == 532 and body["export_problems"] == []
    assert kb.get("item", "DEMO-0001") is None

    drafts = upload(as_role("editor"))
    assert drafts.status_code == 200, drafts.text
    assert drafts.json()["drafts"] == 33 and kb.get("item", "DEMO-0001") is None  # waiting for review
    refused = upload(as_role("editor"), publish="true")
    assert refused.status_code == 403 and "编辑不能直接发布" in refused.json()["detail"]

    published = upload(as_role("reviewer"), publish="true")
    assert published.status_code == 200, published.text
    item = kb.get("item", "DEMO-0001")
    assert [s["name"] for s in item["situations"]] == ["首次申领", "遗失补领"]
    assert [m["name"] for m in item["situations"][1]["materials"]] == ["导游资格证", "遗失声明"]
    assert [m["name"] for m in item["materials"]] == [
        "导游资格证",
        "与旅行社订立的劳动合同",
        "本人近期免冠彩色人像",
        "遗失声明",
    ]
    assert [(p["region"], p["phone"]) for p in item["places"]] == [
        ("太原市", "0351-0000001"),
        ("大同市", "0352-0000001"),
    ]
    assert item["steps"] == ["申请", "审核", "制证", "领证"] and item["online"]["available"] is True
    departments = {d["name"] for d in kb.iter_entries("department")}
    assert {"山西省文化和旅游厅", "山西省农业农村厅"} <= departments  # the 实施主体, created with a warning
    assert kb.get("item", "DEMO-0002")["situations"] == []  # one situation: nothing to ask
    again = upload(as_role("reviewer"), publish="true").json()
    assert again["totals"]["unchanged"] == 33  # the same file again changes nothing


def test_a_bad_mapping_or_export_is_a_chinese_4xx(client, as_role):
    editor = as_role("editor")
    content = (EXPORTS / "guides-demo.csv").read_bytes()
    bad = editor.post(
        "/admin/guides/import",
        files={
            "file": ("g.csv", content, "text/csv"),
            "mapping": ("m.yml", "columns: {region: 区划}".encode(), "text/yaml"),
        },
    )
    assert bad.status_code == 422 and "缺少必需字段" in bad.json()["detail"]
    other = editor.post(
        "/admin/guides/import", files={"file": ("g.csv", "区划,事项名称\n全省,某事项\n".encode(), "text/csv")}
    )
    assert other.status_code == 422 and "表头中没有映射文件写的列" in other.json()["detail"]
    jsonl = editor.post("/admin/guides/import", files={"file": ("g.jsonl", b'{"a": 1}\n', "application/x-ndjson")})
    assert jsonl.status_code == 422 and "CSV 或 XLSX" in jsonl.json()["detail"]
