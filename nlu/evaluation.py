"""Summarises a `rasa test nlu` output directory: intent macro-F1, and entity F1 over both extractors.

Rasa reports each entity extractor against *all* annotated entity types, so the gazetteer's report shows
zero recall for phones and dates (which the format rules extract) and the other way round. Each entity
type is owned by exactly one extractor; its row is taken from that extractor's report, and the combined
figures are computed over those rows: support-weighted F1 (what Rasa prints per extractor) and macro F1.

    python -m nlu.evaluation var/nlu-eval [--min-intent-f1 0.93] [--min-entity-f1 0.90] [--json out.json]

Exits 1 when a figure is below its minimum.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Dict, List, Optional

from nlu.formats import FORMAT_ENTITIES
from nlu.kb_terms import PRIORITY as GAZETTEER_ENTITIES

OWNERS = {
    **{label: "KnowledgeGazetteerExtractor" for label in GAZETTEER_ENTITIES},
    **{label: "FormatEntityExtractor" for label in FORMAT_ENTITIES},
}
SUMMARY_ROWS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def _read(path: Path) -> Dict:
    return json.loads(path.read_text(encoding="utf-8"))


def intent_summary(out_dir: Path) -> Dict[str, float]:
    report = _read(out_dir / "intent_report.json")
    return {
        "macro_f1": report["macro avg"]["f1-score"],
        "weighted_f1": report["weighted avg"]["f1-score"],
        "accuracy": report["accuracy"],
        "examples": int(report["macro avg"]["support"]),
        "intents": len([k for k in report if k not in SUMMARY_ROWS]),
    }


def entity_rows(out_dir: Path) -> Dict[str, Dict[str, float]]:
    """Per entity type: precision, recall, f1-score, support — from the extractor that owns the type."""
    reports = {
        path.name[: -len("_report.json")]: _read(path)
        for path in out_dir.glob("*_report.json")
        if path.name not in ("intent_report.json", "response_selection_report.json")
    }
    rows: Dict[str, Dict[str, float]] = {}
    for extractor, report in reports.items():
        for label, row in report.items():
            if label in SUMMARY_ROWS or not isinstance(row, dict):
                continue
            if OWNERS.get(label) == extractor or (label not in OWNERS and label not in rows):
                rows[label] = row
    return rows


def entity_summary(rows: Dict[str, Dict[str, float]]) -> Dict[str, float]:
    support = sum(r["support"] for r in rows.values())
    if not support:
        return {"weighted_f1": 0.0, "macro_f1": 0.0, "weighted_precision": 0.0, "weighted_recall": 0.0, "support": 0}

    def weighted(key: str) -> float:
        return sum(r[key] * r["support"] for r in rows.values()) / support

    present = [r for r in rows.values() if r["support"]]
    return {
        "weighted_f1": weighted("f1-score"),
        "weighted_precision": weighted("precision"),
        "weighted_recall": weighted("recall"),
        "macro_f1": sum(r["f1-score"] for r in present) / len(present),
        "support": int(support),
    }


def render(intents: Dict, rows: Dict, entities: Dict) -> List[str]:
    lines = [
        f"意图：{intents['examples']} 条、{intents['intents']} 个意图；宏平均 F1 {intents['macro_f1']:.3f}，"
        f"加权 F1 {intents['weighted_f1']:.3f}，准确率 {intents['accuracy']:.3f}",
        f"实体：{entities['support']} 个词元标注；加权 F1 {entities['weighted_f1']:.3f}"
        f"（P {entities['weighted_precision']:.3f} / R {entities['weighted_recall']:.3f}），"
        f"宏平均 F1 {entities['macro_f1']:.3f}",
        "实体类型           P      R      F1     词元数",
    ]
    for label in sorted(rows, key=lambda k: -rows[k]["support"]):
        r = rows[label]
        lines.append(f"  {label:<16} {r['precision']:.3f}  {r['recall']:.3f}  {r['f1-score']:.3f}  {int(r['support'])}")
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu.evaluation", description="汇总 rasa test nlu 的评估结果")
    parser.add_argument("out_dir", type=Path, help="rasa test nlu 的 --out 目录")
    parser.add_argument("--min-intent-f1", type=float, default=None, help="意图宏平均 F1 下限")
    parser.add_argument("--min-entity-f1", type=float, default=None, help="实体加权 F1 下限")
    parser.add_argument("--json", type=Path, default=None, help="同时把结果写成 JSON")
    args = parser.parse_args(argv)
    intents = intent_summary(args.out_dir)
    rows = entity_rows(args.out_dir)
    entities = entity_summary(rows)
    print("\n".join(render(intents, rows, entities)))
    if args.json:
        args.json.write_text(
            json.dumps({"intent": intents, "entity": entities, "entity_types": rows}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    failed = []
    if args.min_intent_f1 is not None and intents["macro_f1"] < args.min_intent_f1:
        failed.append(f"意图宏平均 F1 {intents['macro_f1']:.3f} 低于 {args.min_intent_f1}")
    if args.min_entity_f1 is not None and entities["weighted_f1"] < args.min_entity_f1:
        failed.append(f"实体 F1 {entities['weighted_f1']:.3f} 低于 {args.min_entity_f1}")
    for reason in failed:
        print("未达标：" + reason)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
