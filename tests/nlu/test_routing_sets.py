"""The routing sets of benchmarks/quality (long 12345 messages and short chat messages) keep their held-out
rule and labels: a row moved by hand between parts, or a label the benchmark would silently map to "question",
would corrupt the figures in benchmarks/README.md."""

import pytest

from tests.conftest import import_benchmark


@pytest.fixture(scope="module")
def intake_bench():
    return import_benchmark("intake_bench")


@pytest.mark.parametrize("name, size", [("intake_12345", 100), ("intake_12345_2", 120), ("short_routing", 150)])
def test_each_set_follows_its_held_out_rule_and_labels(intake_bench, name, size):
    rows = intake_bench.load_set(name)  # raises on a part or label that breaks the rule
    assert len(rows) >= size
    assert len({r["text"] for r in rows}) == len(rows)
    assert {r["label"] for r in rows} == set(intake_bench.SET_LABELS[name])
    share = import_benchmark("quality_bench").HELDOUT_PERCENT.get(name, 40) / 100
    assert abs(sum(r["part"] == "heldout" for r in rows) / len(rows) - share) < 0.15


def test_a_row_in_the_wrong_part_is_refused(intake_bench, tmp_path, monkeypatch):
    text = "路灯坏了一个月了"
    wrong = "dev" if intake_bench.part_of(text, "short_routing") == "heldout" else "heldout"
    (tmp_path / "short_routing.yml").write_text(
        f'- {{label: complaint, part: {wrong}, text: "{text}"}}\n', encoding="utf-8"
    )
    monkeypatch.setattr(intake_bench, "SETS_DIR", tmp_path)
    with pytest.raises(SystemExit):
        intake_bench.load_set("short_routing")


def test_an_intent_outside_the_sets_labels_counts_as_a_question(intake_bench):
    labels = intake_bench.SET_LABELS["intake_12345"]
    assert intake_bench.label_of("check_progress", labels) == "question"
    assert intake_bench.label_of("check_progress", intake_bench.SET_LABELS["short_routing"]) == "check_progress"
