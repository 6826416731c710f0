"""The question sets of benchmarks/quality that the search and chat benchmarks score (two blind batches per base)
keep their held-out rule, and every expected entry exists: an id typed wrong would count a right answer as wrong,
a row moved by hand between parts would let a tuned question into the held-out figures. The Taipei sets' ids are
checked against ../shared/data/tpe-faq when it is there (a clone elsewhere has no such folder; the benchmark
that scores those sets needs it anyway)."""

import pytest

from tests.conftest import import_benchmark


@pytest.fixture(scope="module")
def quality_bench():
    return import_benchmark("quality_bench")


def test_every_expected_entry_exists_and_parts_follow_the_rule(quality_bench):
    # raises on an unknown id or a row in the wrong part; the Taipei ids need the open data beside the repository
    sizes = quality_bench.check_sets(tpe_ids=quality_bench.TPE_FAQS.exists())
    for names in quality_bench.BASE_SETS.values():
        for name in names:
            rows = quality_bench.load_set(name)
            assert sizes[name] == len(rows) >= 150
            assert len({r["q"] for r in rows}) == len(rows), name
            share = sum(r["part"] == "heldout" for r in rows) / len(rows)
            assert abs(share - quality_bench.HELDOUT_PERCENT.get(name, 40) / 100) < 0.1, name


def test_an_unknown_id_is_refused(quality_bench, tmp_path, monkeypatch):
    text = "身份证丢了咋补"
    part = quality_bench.expected_part("sample_colloquial_2", text)
    for path in quality_bench.SETS.glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "sample_colloquial_2.yml").write_text(
        f'- {{q: "{text}", expect: ["item:ga-no-such-item"], part: {part}}}\n', encoding="utf-8"
    )
    monkeypatch.setattr(quality_bench, "SETS", tmp_path)
    with pytest.raises(SystemExit, match="ga-no-such-item"):
        quality_bench.check_sets(tpe_ids=False)
