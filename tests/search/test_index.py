import os

import pytest

from search.index import build_index, current_generation
from search.searcher import IndexMissing, KnowledgeSearcher


def test_colloquial_question_finds_the_item_first(mini_index):
    hits = KnowledgeSearcher(mini_index).search("身份证丢了怎么补办")
    assert hits[0].type == "item" and hits[0].id == "ga-idcard-reissue"


def test_fee_question_finds_the_faq(mini_index):
    hits = KnowledgeSearcher(mini_index).search("补办身份证多少钱", kind="faq")
    assert [h.id for h in hits] == ["faq-ga-001"]


def test_colloquial_synonym_reaches_official_title(mini_index):
    searcher = KnowledgeSearcher(mini_index)
    assert "社会保障卡" in searcher.expand("社保卡")
    assert searcher.search("社保卡")[0].id == "rs-sscard-apply"


def test_type_filter_and_snippet(mini_index):
    hits = KnowledgeSearcher(mini_index).search("社保查询", kind="app")
    assert [h.id for h in hits] == ["app-sscard-query"]
    assert hits[0].snippet.startswith("查询社保缴费记录")


def test_rebuild_swaps_generation_and_open_searcher_follows(mini_store, mini_index):
    searcher = KnowledgeSearcher(mini_index)
    first = current_generation(mini_index)
    assert searcher.ping() == 5
    mini_store.upsert(
        "faq", {"id": "faq-new", "question": "居住证在哪里办", "answer": "到派出所办理。", "status": "published"}
    )
    build_index(mini_store, mini_index)
    assert current_generation(mini_index) != first
    assert searcher.search("居住证")[0].id == "faq-new"
    assert len([p for p in os.listdir(mini_index) if p.startswith("gen-")]) <= 2


def test_drafts_are_not_indexed(mini_store, mini_index):
    mini_store.upsert("faq", {"id": "faq-draft", "question": "草稿问题护照", "answer": "未发布", "status": "draft"})
    build_index(mini_store, mini_index)
    assert all(h.id != "faq-draft" for h in KnowledgeSearcher(mini_index).search("护照"))


def test_missing_index_is_reported(tmp_path):
    with pytest.raises(IndexMissing):
        KnowledgeSearcher(tmp_path / "nothing").ping()
