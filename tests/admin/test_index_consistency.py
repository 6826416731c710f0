"""What staff publish reaches the search index through the change log (search/sync.py's IndexSync), and a
process killed half-way through applying changes leaves nothing lost: on start-up the database and the
index agree again. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from knowledge.staff import StaffMember
from search.index import build_index
from search.layout import SYNC_KIND, WriterBusy, current_generation, writer_lock
from search.searcher import KnowledgeSearcher
from search.sync import IndexSync
from tests.admin.gateway_process import GatewayProcess
from tests.conftest import needs

ROOT = Path(__file__).resolve().parents[2]
REVIEWER = StaffMember("李审核", "reviewer", 2)
HEADER = "id,question,similar_questions,answer,department,keywords,status\n"


def indexed(index_dir: Path) -> dict:
    """{kind:id: title} of every document in the live generation."""
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    with ix.searcher() as searcher:
        return {
            fields["key"]: fields.get("title", "")
            for fields in searcher.all_stored_fields()
            if fields.get("kind") != SYNC_KIND
        }


def sync_round_running(index_dir: Path) -> bool:
    """The gateway's index sync holds the index's writer lock (flock) right now."""
    try:
        with writer_lock(index_dir, timeout=0):
            return False
    except WriterBusy:
        return True


def published(store) -> dict:
    titles = {"faq": "question", "item": "name", "package": "name", "app": "name"}
    return {f"{e['kind']}:{e['id']}": e[titles[e["kind"]]] for e in store.iter_entries() if e["kind"] in titles}


def test_publish_and_delete_reach_the_index_incrementally(client, as_role, kb, tmp_path):
    index_dir = tmp_path / "own-index"
    build_index(kb, index_dir)
    generation = current_generation(index_dir)
    searcher = KnowledgeSearcher(index_dir)
    editor, reviewer = as_role("editor"), as_role("reviewer")
    editor.post(
        "/admin/faqs",
        json={
            "id": "faq-dog-001",
            "question": "养狗要办什么证",
            "answer": "到公安机关办理养犬登记证。",
            "department": "ga",
            "keywords": ["养犬登记"],
        },
    )
    IndexSync(kb, index_dir).apply_pending()
    assert "faq-dog-001" not in [h.id for h in searcher.search("养狗办证")]  # a draft is not searchable
    reviewer.post("/admin/faqs/faq-dog-001/publish")
    assert IndexSync(kb, index_dir).apply_pending() == 1
    assert searcher.search("养狗要办什么证")[0].id == "faq-dog-001"
    editor.delete("/admin/faqs/faq-dog-001")
    reviewer.post("/admin/faqs/faq-dog-001/publish")
    IndexSync(kb, index_dir).apply_pending()
    assert "faq-dog-001" not in [h.id for h in KnowledgeSearcher(index_dir).search("养狗要办什么证")]
    assert current_generation(index_dir) == generation  # incremental: no rebuild
    assert indexed(index_dir) == published(kb)


@pytest.fixture
@needs("processes")
def gateway(kb, db_url, tmp_path):
    process = GatewayProcess(tmp_path, db_url, "gateway-admin-token").start()
    yield process
    process.stop()


DOG_FAQ = {
    "id": "faq-dog-001",
    "question": "养狗要办什么证",
    "answer": "到公安机关办理养犬登记证。",
    "department": "ga",
    "keywords": ["养犬登记"],
}


def test_a_published_faq_is_searchable_on_the_running_gateway_within_5_seconds(gateway, kb):
    assert gateway.post("/admin/faqs", json=DOG_FAQ).status_code == 201
    # The gateway's sync has applied every change up to the draft: had the draft been indexed, it would show.
    sync = IndexSync(kb, gateway.index_dir)
    gateway.wait_until(lambda: sync.applied_seq() >= kb.latest_change(), timeout=10)
    assert "faq-dog-001" not in gateway.search_ids("养狗要办什么证")
    assert gateway.post("/admin/faqs/faq-dog-001/publish").status_code == 200
    waited = gateway.wait_until(lambda: gateway.search_ids("养狗要办什么证")[:1] == ["faq-dog-001"], timeout=5)
    assert waited < 5
    changed = dict(DOG_FAQ, question="养犬登记证怎么办")
    assert gateway.put("/admin/faqs/faq-dog-001", json=changed).status_code == 200
    gateway.post("/admin/faqs/faq-dog-001/publish")
    gateway.wait_until(lambda: gateway.search_ids("养犬登记证怎么办")[:1] == ["faq-dog-001"], timeout=5)


@needs("processes")
def test_a_published_faq_gets_its_sentence_vector_on_the_running_gateway_within_5_seconds(kb, db_url, tmp_path):
    from search.embedding import embedding_text
    from search.vectors import VectorStore, vector_key

    vectors_path = tmp_path / "own-vectors.sqlite3"  # empty: what this gateway embeds is all there is
    process = GatewayProcess(tmp_path, db_url, "gateway-admin-token")
    process.env["SEMANTIC_VECTORS_PATH"] = str(vectors_path)
    process.start()
    try:
        vectors = VectorStore(vectors_path)
        key = vector_key(embedding_text(DOG_FAQ["question"]))
        process.wait_until(lambda: vectors.count() > 0, timeout=30)  # the mini base embedded at start-up
        assert key not in vectors.present([key])
        assert process.post("/admin/faqs", json=DOG_FAQ).status_code == 201
        assert process.post("/admin/faqs/faq-dog-001/publish").status_code == 200
        waited = process.wait_until(lambda: key in vectors.present([key]), timeout=5)
        assert waited < 5
        assert process.search_ids("家里养了条小狗要去登记吗")[:1] == ["faq-dog-001"]
    finally:
        process.stop()


def test_a_deleted_faq_leaves_the_running_gateways_search_within_5_seconds(gateway):
    assert gateway.search_ids("补办身份证要多少钱")[:1] == ["faq-ga-001"]
    assert gateway.delete("/admin/faqs/faq-ga-001").status_code == 200
    assert gateway.post("/admin/faqs/faq-ga-001/publish").status_code == 200
    gateway.wait_until(lambda: "faq-ga-001" not in gateway.search_ids("补办身份证要多少钱"), timeout=5)


def test_a_gateway_killed_while_indexing_agrees_with_the_database_on_restart(gateway, kb, db_url, tmp_path):
    rows = "".join(f"faq-crash-{n},第{n}号测试问题关于养老保险转移,,答案{n}。,rs,,published\n" for n in range(3000))
    response = gateway.post("/admin/faqs/import", files={"file": ("big.csv", (HEADER + rows).encode(), "text/csv")})
    assert response.status_code == 200 and response.json()["created"] == 3000
    sync = IndexSync(kb, gateway.index_dir)
    # Killed while its sync round works on the 3,000 documents (it holds the writer lock, not yet committed).
    gateway.wait_until(
        lambda: sync_round_running(gateway.index_dir) and sync.applied_seq() < kb.latest_change(),
        timeout=30,
        interval=0.01,
    )
    gateway.kill()
    assert sync.applied_seq() < kb.latest_change(), "the gateway had finished indexing before it was killed"
    # While the gateway is down, staff keep publishing (from the command line, say).
    faq = kb.get("faq", "faq-crash-7")
    kb.upsert("faq", dict(faq, question="第7号问题改过了"), actor="李审核", source="cli")
    kb.delete("faq", "faq-crash-8", actor="李审核", source="cli")
    restarted = GatewayProcess(tmp_path, db_url, "gateway-admin-token", index_dir=gateway.index_dir).start()
    try:
        restarted.wait_until(lambda: sync.applied_seq() == kb.latest_change(), timeout=60)
        in_index, in_db = indexed(gateway.index_dir), published(kb)
        assert len(in_db) == 3000 - 1 + 5  # the import minus the deleted one, plus the mini base's 5
        assert in_index == in_db
        assert restarted.search_ids("第7号问题改过了")[:1] == ["faq-crash-7"]
    finally:
        restarted.stop()
