"""Search quality on the citizen query set (tests/search/quality/queries.yml) over the shipped sample:
ours must beat a plain BM25 baseline (rank-bm25 over jieba tokens, same documents) on NDCG@5, and stay
above floors (the figures of benchmarks/README.md, less a margin)."""

import pytest

from search.evaluation import load_queries, ndcg, recall, reciprocal_rank
from tests.conftest import ROOT, import_benchmark

QUERIES = ROOT / "tests" / "search" / "quality" / "queries.yml"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return import_benchmark("search_quality").run(tmp_path_factory.mktemp("quality"), QUERIES)


def test_the_set_is_large_and_graded():
    queries = load_queries(QUERIES)
    assert len(queries) >= 200
    assert len({q.text for q in queries}) == len(queries)
    assert all(max(q.grades.values()) == 3 for q in queries)
    assert sum(1 for q in queries if q.noisy) >= 10


def test_ours_beats_the_bm25_baseline(results):
    ours, base = results["ours"]["all"], results["bm25"]["all"]
    assert ours.ndcg5 > base.ndcg5
    assert ours.mrr10 > base.mrr10 and ours.recall5 > base.recall5
    assert results["ours"]["noisy"].ndcg5 > 1.5 * results["bm25"]["noisy"].ndcg5


def test_floors(results):
    ours = results["ours"]["all"]
    assert ours.ndcg5 >= 0.88 and ours.mrr10 >= 0.93 and ours.recall5 >= 0.91


def test_metrics_by_hand():
    grades = {"a": 3, "b": 2, "c": 1}
    assert reciprocal_rank(["x", "c", "b"], grades) == pytest.approx(1 / 3)  # grade 1 is not an answer
    assert recall(["b", "x", "a"], grades) == 1.0 and recall(["c"], grades) == 0.0
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg(["c", "b", "a"], grades) == pytest.approx((1 + 3 / 1.5849625 + 7 / 2) / (7 + 3 / 1.5849625 + 1 / 2))
