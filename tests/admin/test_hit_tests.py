"""命中测试 (hit tests) through the admin API of a real gateway process, on SQLite and PostgreSQL: bad sheets are
refused with Chinese 4xx; a run over the mini knowledge base gives each of the four outcomes and records no
citizen question; a change under review shows which rows it makes better or worse."""

from __future__ import annotations

import io
import os
import time

import pytest
from openpyxl import Workbook

from devtools.support.waiting import wait_until
from tests.admin.gateway_process import GatewayProcess
from tests.conftest import needs

SHEET = (
    "问题,应命中\n"
    "补办身份证要多少钱,faq:faq-ga-001\n"  # answered with it: right
    "社保和身份证,item:rs-sscard-apply\n"  # three choices, it among them: offered
    "社保卡怎么办,app:app-sscard-query\n"  # answered with the card application instead: wrong
    "火星移民签证,faq:faq-ga-001\n"  # nothing found: nothing
    "火星移民签证怎么办,无\n"  # nothing found, and none expected: right
    "社保查询,app:app-sscard-query\n"  # right
)


@pytest.fixture
@needs("processes")
def gateway(kb, db_url, tmp_path):
    process = GatewayProcess(tmp_path, db_url, "hit-test-admin-token").start()
    settle(process)
    yield process
    process.stop()


def settle(gateway) -> None:
    """Waits until the gateway has embedded every phrasing of its index (its background loop), so that the
    answers use the semantic channel as in production, then for its vector memory to read them."""
    from search.embedder import Embedder
    from search.vectors import VectorStore

    vectors = VectorStore(os.environ["SEMANTIC_VECTORS_PATH"])
    try:
        gateway.wait_until(lambda: not Embedder(gateway.index_dir, vectors, None).pending(), timeout=60, interval=0.2)
    finally:
        vectors.close()
    time.sleep(1.2)  # search/semantic.py REFRESH_SECONDS


def upload(gateway, content, name="基础问法", filename="hit.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return gateway.post("/admin/hit-tests/import", files={"file": (filename, content)}, data={"name": name})


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def test_bad_sheets_are_refused_in_chinese_and_nothing_is_saved(gateway):
    cases = {
        "empty": (b"", "hit.csv"),
        "jsonl": ('{"question": "a"}\n'.encode(), "hit.jsonl"),
        "no expected column": ("问题\n补办身份证要多少钱\n".encode(), "hit.csv"),
        "not xlsx": (b"PK\x03\x04 broken", "hit.xlsx"),
        "header only": ("问题,应命中\n".encode(), "hit.csv"),
        "not utf-8": (b"\xff\xfe\x00\x81\x30", "hit.csv"),
    }
    for label, (content, filename) in cases.items():
        response = upload(gateway, content, filename=filename)
        assert 400 <= response.status_code < 500, (label, response.status_code, response.text)
        assert chinese(response.json()["detail"]), (label, response.text)
    bad_rows = (
        "问题,应命中\n补办身份证要多少钱,faq:faq-ga-001\n,faq:faq-ga-001\n社保,faq:nope\n户口,category:1\n户口,\n"
    )
    response = upload(gateway, bad_rows)
    assert response.status_code == 422
    errors = {e["row"]: e["reason"] for e in response.json()["errors"]}
    assert set(errors) == {3, 4, 5, 6}
    assert "问题（question）为空" in errors[3]
    assert "faq:nope 不存在" in errors[4]
    assert "格式不对" in errors[5] and "应命中（expected）为空" in errors[6]
    for name in ("", " ", "x" * 65):
        response = upload(gateway, SHEET, name=name)
        assert response.status_code == 422 and chinese(response.json()["detail"]), response.text
    missing_name = gateway.post("/admin/hit-tests/import", files={"file": ("hit.csv", SHEET.encode())})
    assert missing_name.status_code == 422 and chinese(missing_name.json()["detail"]), missing_name.text
    assert gateway.get("/admin/hit-tests").json() == {"total": 0, "items": []}
    assert gateway.post("/admin/hit-tests/99/run").status_code == 404
    assert gateway.get("/admin/hit-tests/99").json()["detail"] == "命中测试集 99 不存在"
    assert gateway.post("/admin/hit-tests/0/run").status_code == 422


def test_a_run_gives_the_four_outcomes_and_records_no_question(gateway, kb):
    response = upload(gateway, SHEET)
    assert response.status_code == 201, response.text
    set_id = response.json()["id"]
    assert (response.json()["size"], response.json()["replaced"]) == (6, False)
    stats_before = gateway.get("/admin/stats").json()

    result = gateway.post(f"/admin/hit-tests/{set_id}/run")
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["counts"] == {"right": 3, "offered": 1, "wrong": 1, "nothing": 1}
    by_question = {r["question"]: r for r in body["rows"]}
    assert by_question["补办身份证要多少钱"]["got"][0]["key"] == "faq:faq-ga-001"
    offered = by_question["社保和身份证"]
    assert (offered["outcome"], offered["level"]) == ("offered", "choose")
    assert len(offered["got"]) == 3 and "item:rs-sscard-apply" in [g["key"] for g in offered["got"]]
    wrong = by_question["社保卡怎么办"]
    assert (wrong["outcome"], wrong["outcome_name"]) == ("wrong", "答错")
    assert wrong["got"] == [{"key": "item:rs-sscard-apply", "title": "社会保障卡申领"}]
    assert wrong["expected_title"] == "社保查询"
    assert (by_question["火星移民签证"]["outcome"], by_question["火星移民签证"]["got"]) == ("nothing", [])
    assert by_question["火星移民签证怎么办"]["outcome"] == "right"
    assert [m["question"] for m in body["misses"]] == ["社保和身份证", "社保卡怎么办", "火星移民签证"]

    # Nothing of the run is a citizen's question: the statistics and the unanswered queue are unchanged.
    stats_after = gateway.get("/admin/stats").json()
    assert stats_after["questions"] == stats_before["questions"]
    assert stats_after["questions"]["total"] == 0
    assert gateway.get("/admin/unanswered").json()["total"] == 0

    listed = gateway.get("/admin/hit-tests").json()["items"]
    assert [(s["name"], s["size"], s["last_counts"]) for s in listed] == [("基础问法", 6, body["counts"])]
    assert gateway.get(f"/admin/hit-tests/{set_id}").json()["last_run"]["counts"] == body["counts"]

    # The same name again replaces the set (an XLSX with English column names this time).
    replaced = upload(
        gateway, xlsx([("question", "expected"), ("补办身份证要多少钱", "FAQ：faq-ga-001")]), filename="hit.xlsx"
    )
    assert replaced.status_code == 200 and replaced.json()["replaced"] is True, replaced.text
    assert replaced.json()["id"] == set_id
    rerun = gateway.post(f"/admin/hit-tests/{set_id}/run").json()
    assert rerun["counts"] == {"right": 1, "offered": 0, "wrong": 0, "nothing": 0}
    assert gateway.delete(f"/admin/hit-tests/{set_id}").json() == {"id": set_id, "deleted": True}
    assert gateway.get("/admin/hit-tests").json()["total"] == 0


MARS_FAQ = {
    "id": "faq-mars-001",
    "question": "火星移民签证",
    "similar_questions": ["火星移民要办什么手续"],
    "answer": "火星移民签证不属于政务服务事项。",
    "department": "ga",
}


def _stored_reviews(kb, rev):
    import sqlalchemy as sa

    from knowledge.tables import hit_test_reviews

    with kb.engine.connect() as conn:
        return conn.execute(sa.select(hit_test_reviews.c.set_id).where(hit_test_reviews.c.rev == rev)).all()


def test_the_review_queue_shows_what_a_change_makes_better_or_worse(gateway, kb):
    assert gateway.post("/admin/faqs", json=MARS_FAQ).status_code == 201
    # A new entry still in draft may be what a row expects.
    sheet = SHEET.replace("火星移民签证,faq:faq-ga-001", "火星移民签证,faq:faq-mars-001")
    assert upload(gateway, sheet).status_code == 201
    submitted = gateway.post("/admin/faqs/faq-mars-001/submit")
    assert submitted.status_code == 200
    # run when the change is submitted, before any reviewer opens the queue
    rev = submitted.json()["rev"]
    wait_until(lambda: _stored_reviews(kb, rev), 30, "the comparison computed on submit", interval=0.2)
    queue = gateway.get("/admin/reviews").json()["items"]
    change = next(c for c in queue if c["id"] == "faq-mars-001")
    assert change["hit_tests"]["error"] is None
    (result,) = change["hit_tests"]["sets"]
    assert result["name"] == "基础问法"
    better = {r["question"]: r for r in result["better"]}
    worse = {r["question"]: r for r in result["worse"]}
    assert better["火星移民签证"]["before"]["outcome"] == "nothing"
    assert better["火星移民签证"]["after"]["outcome"] == "right"
    assert better["火星移民签证"]["after"]["got"][0]["key"] == "faq:faq-mars-001"
    # It now answers a question that should find nothing.
    assert set(worse) == {"火星移民签证怎么办"}
    assert (worse["火星移民签证怎么办"]["before"]["outcome"], worse["火星移民签证怎么办"]["after"]["outcome"]) == (
        "right",
        "wrong",
    )
    assert worse["火星移民签证怎么办"]["after"]["got"] == [{"key": "faq:faq-mars-001", "title": "火星移民签证"}]
    assert (result["before"]["nothing"], result["after"]["nothing"]) == (1, 0)
    # Computed once and kept: the second view reads the stored comparison.
    assert gateway.get("/admin/reviews").json()["items"][0]["hit_tests"] == change["hit_tests"]
    # The live chat's search did not see the draft.
    assert "faq-mars-001" not in gateway.search_ids("火星移民签证")


def test_a_deletion_under_review_shows_the_rows_it_leaves_without_an_answer(gateway, kb):
    assert upload(gateway, SHEET).status_code == 201
    deleted = gateway.delete("/admin/apps/app-sscard-query")
    assert deleted.status_code in (200, 201), deleted.text
    state = deleted.json().get("state")
    if state != "review":
        assert gateway.post("/admin/apps/app-sscard-query/submit").status_code == 200
    change = next(c for c in gateway.get("/admin/reviews").json()["items"] if c["id"] == "app-sscard-query")
    (result,) = change["hit_tests"]["sets"]
    assert result["better"] == []
    worse = {r["question"]: r for r in result["worse"]}
    assert set(worse) == {"社保查询"}
    assert worse["社保查询"]["before"]["got"] == [{"key": "app:app-sscard-query", "title": "社保查询"}]
    assert worse["社保查询"]["after"]["outcome"] in ("nothing", "wrong")
    assert "app-sscard-query" in gateway.search_ids("社保查询")  # still live until published
