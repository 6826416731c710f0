"""Filters (type, region, department, 掌上可办), facet counts, highlighted snippets and autocomplete."""

import copy

import pytest

import search.ranking as ranking_module
from search.index import build_index
from search.searcher import KnowledgeSearcher

DATONG_ONLY = {
    "id": "ga-passport-datong",
    "name": "普通护照签发（大同）",
    "aliases": [],
    "department": "ga",
    "conditions": "大同市户籍居民申请普通护照。",
    "materials": [{"name": "居民身份证"}],
    "steps": ["提交申请"],
    "legal_time_limit": "15个工作日",
    "promised_time_limit": "7个工作日",
    "fee": "120元",
    "places": [{"region": "大同市", "address": "大同市出入境窗口", "hours": "工作日"}],
    "hotline": "12345",
    "online": {"available": False},
    "status": "published",
    "updated_at": "2026-09-01",
}


@pytest.fixture
def searcher(mini_store, mini_index, monkeypatch):
    # Every document that shares a word counts here (the relevance floor is tested on its own below).
    monkeypatch.setattr(ranking_module, "RELEVANCE_FLOOR", 0.0)
    mini_store.upsert("item", copy.deepcopy(DATONG_ONLY))
    build_index(mini_store, mini_index)
    return KnowledgeSearcher(mini_index)


def facet(page, name):
    return {row["value"]: row["count"] for row in page.facets[name]}


def test_facet_counts_over_all_matches(searcher):
    page = searcher.search_page("身份证")
    assert [h.id for h in page.hits] == ["ga-idcard-reissue", "faq-ga-001", "ga-passport-datong", "rs-sscard-apply"]
    assert page.total == 4
    assert facet(page, "type") == {"item": 3, "faq": 1}
    assert facet(page, "department") == {"ga": 3, "rs": 1}
    assert facet(page, "online") == {True: 2, False: 2}
    assert facet(page, "region") == {"*": 3, "太原市": 1, "大同市": 1}
    assert page.facets["department"][0]["label"] == "山西省公安厅"


def test_type_filter_keeps_the_other_types_counted(searcher):
    page = searcher.search_page("身份证", kind="faq")
    assert [h.id for h in page.hits] == ["faq-ga-001"] and page.total == 1
    assert facet(page, "type") == {"item": 3, "faq": 1}  # the tabs still show what switching gives


@pytest.mark.parametrize(
    "region, expected",
    [
        ("大同市", ["ga-idcard-reissue", "faq-ga-001", "ga-passport-datong", "rs-sscard-apply"]),
        ("平城区", ["ga-idcard-reissue", "faq-ga-001", "ga-passport-datong", "rs-sscard-apply"]),  # county → its city
        ("太原市", ["ga-idcard-reissue", "faq-ga-001", "rs-sscard-apply"]),
        ("小店区", ["ga-idcard-reissue", "faq-ga-001", "rs-sscard-apply"]),
    ],
)
def test_region_filter_includes_the_whole_province_entries(searcher, region, expected):
    assert [h.id for h in searcher.search("身份证", region=region)] == expected


def test_department_and_online_filters(searcher):
    assert [h.id for h in searcher.search("身份证", department="rs")] == ["rs-sscard-apply"]
    assert [h.id for h in searcher.search("身份证", online=True)] == ["ga-idcard-reissue", "rs-sscard-apply"]
    assert [h.id for h in searcher.search("身份证", online=False, kind="item")] == ["ga-passport-datong"]


def test_highlighted_snippet(searcher):
    hit = searcher.search("居民身份证丢失")[0]
    assert hit.id == "ga-idcard-reissue"
    assert hit.snippet.startswith("居民身份证丢失的，应当向户籍所在地")
    assert hit.highlight.startswith("<em>居民身份证丢失</em>的，应当向户籍所在地")


def test_snippet_is_escaped_html():
    from search.highlight import snippet

    plain, marked = snippet("材料：<b>身份证</b> & 户口簿", ["身份证"])
    assert plain == "材料：<b>身份证</b> & 户口簿"
    assert marked == "材料：&lt;b&gt;<em>身份证</em>&lt;/b&gt; &amp; 户口簿"


def test_snippet_window_moves_to_the_matches():
    from search.highlight import snippet

    text = "无关内容。" * 40 + "办理社保卡需要本人身份证。"
    plain, marked = snippet(text, ["社保卡"], length=30)
    assert plain.startswith("…") and "社保卡" in plain and len(plain) <= 32
    assert "<em>社保卡</em>" in marked


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("社保", ["社保查询"]),
        ("社会保障", ["社会保障卡申领"]),
        ("jumin", ["居民身份证补领"]),  # pinyin of the title
        ("shbzk", ["社会保障卡申领"]),  # initials
        ("补办身份", ["补办身份证要多少钱", "居民身份证补领"]),  # a FAQ question, an alias
        ("办社保", ["社会保障卡申领"]),  # an alias leads to its title
        ("护照", []),
    ],
)
def test_autocomplete(searcher, typed, expected):
    assert searcher.suggest(typed) == expected


def test_autocomplete_ranks_titles_before_aliases_and_limits(sample_index):
    found = KnowledgeSearcher(sample_index).suggest("居民身份证", limit=2)
    assert found == ["居民身份证换领", "居民身份证补领"]


def test_relevance_floor_drops_documents_sharing_only_a_minor_word(mini_store, mini_index):
    mini_store.upsert("item", copy.deepcopy(DATONG_ONLY))
    build_index(mini_store, mini_index)
    page = KnowledgeSearcher(mini_index).search_page("身份证")
    # The two passports and 社会保障卡申领 mention 居民身份证 only among their materials.
    assert [h.id for h in page.hits] == ["ga-idcard-reissue", "faq-ga-001"] and page.total == 2
    assert facet(page, "type") == {"item": 1, "faq": 1}
