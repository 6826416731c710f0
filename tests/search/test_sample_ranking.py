"""Ranking over the shipped sample knowledge base."""

import pytest

from search.searcher import KnowledgeSearcher

QUERIES = ["身份证丢了怎么补办", "社保卡丢了", "公积金租房提取", "结婚登记要带什么", "异地就医备案", "开饭店要办什么证"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_limit_never_changes_the_order(sample_index, query):
    searcher = KnowledgeSearcher(sample_index)
    full = [h.id for h in searcher.search(query, limit=50)]
    for limit in (1, 3, 5, 10):
        assert [h.id for h in searcher.search(query, limit=limit)] == full[:limit]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("身份证丢了怎么补办", "ga-idcard-reissue"),
        ("补办身份证要多少钱", "faq-ga-002"),
        ("身份证过期了", "ga-idcard-renew"),
    ],
)
def test_colloquial_questions_find_the_right_entry_first(sample_index, query, expected):
    assert KnowledgeSearcher(sample_index).search(query, limit=5)[0].id == expected
