"""nlu/evaluation.py: each entity type is scored from the extractor that owns it."""

import json

from nlu import evaluation


def write_reports(directory):
    intent = {
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 2},
        "deny": {"precision": 0.5, "recall": 1.0, "f1-score": 0.667, "support": 1},
        "accuracy": 0.75,
        "macro avg": {"precision": 0.75, "recall": 1.0, "f1-score": 0.8335, "support": 3},
        "weighted avg": {"precision": 0.83, "recall": 1.0, "f1-score": 0.889, "support": 3},
    }
    gazetteer = {
        "item": {"precision": 1.0, "recall": 0.8, "f1-score": 0.889, "support": 10},
        "phone": {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 5},
        "micro avg": {"precision": 1.0, "recall": 0.53, "f1-score": 0.69, "support": 15},
    }
    formats = {
        "item": {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 10},
        "phone": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 5},
    }
    for name, report in (
        ("intent", intent),
        ("KnowledgeGazetteerExtractor", gazetteer),
        ("FormatEntityExtractor", formats),
    ):
        (directory / f"{name}_report.json").write_text(json.dumps(report), encoding="utf-8")


def test_owner_rows_are_combined(tmp_path):
    write_reports(tmp_path)
    rows = evaluation.entity_rows(tmp_path)
    assert rows["item"]["f1-score"] == 0.889 and rows["phone"]["f1-score"] == 1.0
    summary = evaluation.entity_summary(rows)
    assert round(summary["weighted_f1"], 4) == round((0.889 * 10 + 1.0 * 5) / 15, 4)
    assert round(summary["macro_f1"], 4) == round((0.889 + 1.0) / 2, 4)
    assert evaluation.intent_summary(tmp_path)["macro_f1"] == 0.8335


def test_exit_code_follows_the_minimums(tmp_path, capsys):
    write_reports(tmp_path)
    assert evaluation.main([str(tmp_path), "--min-intent-f1", "0.8", "--min-entity-f1", "0.9"]) == 0
    assert evaluation.main([str(tmp_path), "--min-intent-f1", "0.9"]) == 1
    assert "未达标：意图宏平均 F1 0.834 低于 0.9" in capsys.readouterr().out
