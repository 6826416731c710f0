"""Routing of what citizens write: accuracy and macro-F1 of the trained model's NLU on a labelled set.

Sets (benchmarks/quality/, each with its own header and held-out rule):
  - intake_12345 (default): long 12345 messages, four labels (complaint, help_request, suggestion, question);
  - intake_12345_2: a second batch of long messages written blind (nobody on the project has read its held-out
    half), the same four labels;
  - short_routing: short chat messages, the same four and check_progress (the citizen's own case) — many of
    its questions name a transaction as their topic ("12345投诉可以匿名不"): they are to be answered, not to
    start the flow.
Each message is parsed by the trained Rasa model (the whole NLU pipeline: intent classifier, evidence ranker and
its 12345 intake classifier); its intent is mapped to the set's labels (an intent that is one of the labels is
itself, every other intent is question — nlu/intake.py). Figures are printed for the dev part and the held-out
part separately (the part is recomputed from the hash rule in the set's header and checked). Tuning looks at the
dev part only: the held-out figure is printed only with --heldout (for the final report), and only dev errors
can be listed (--dev-errors); held-out texts are never printed.

    PYTHONPATH=. .venv/bin/python benchmarks/intake_bench.py [--set short_routing] [--heldout] [--dev-errors]
        [--model var/models/bot.tar.gz]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from quality_bench import ROUTING_SETS as SET_LABELS  # noqa: E402  (each routing set's labels)
from quality_bench import expected_part  # noqa: E402

from nlu.intake import QUESTION, macro_f1  # noqa: E402

SETS_DIR = ROOT / "benchmarks" / "quality"
PARTS = ("dev", "heldout")


def part_of(text: str, set_name: str = "intake_12345") -> str:
    """The held-out rule written in the set's header (one rule for every quality set: quality_bench)."""
    return expected_part(set_name, text)


def label_of(intent: str, labels) -> str:
    return intent if intent in labels else QUESTION


def load_set(set_name: str = "intake_12345") -> List[Dict]:
    path = SETS_DIR / f"{set_name}.yml"
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in rows:
        if row["part"] != part_of(row["text"], set_name):
            raise SystemExit(f"{path.name}: a row's part does not follow the held-out rule")
        if row["label"] not in SET_LABELS[set_name]:
            raise SystemExit(f"{path.name}: unknown label {row['label']!r}")
    return rows


async def predict(model: Path, texts: List[str]) -> List[str]:
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log would print every parsed text
    agent = Agent.load(str(model))
    intents = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intents.append((parsed.get("intent") or {}).get("name"))
    return intents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="intake_12345", choices=sorted(SET_LABELS), help="评测集")
    parser.add_argument("--model", type=Path, default=ROOT / "var" / "models" / "bot.tar.gz")
    parser.add_argument("--heldout", action="store_true", help="also the held-out part (final report only)")
    parser.add_argument("--dev-errors", action="store_true", help="list the dev part's misrouted messages")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.disable(logging.WARNING)
    labels = SET_LABELS[args.set]
    rows = [r for r in load_set(args.set) if args.heldout or r["part"] == "dev"]
    intents = asyncio.run(predict(args.model, [r["text"] for r in rows]))
    predicted = [label_of(i, labels) for i in intents]
    print(f"分流（benchmarks/quality/{args.set}.yml，模型 {args.model}）")
    print(f"{'部分':<8}{'条数':>6}{'准确率':>9}{'宏平均F1':>10}  各类 F1")
    for part in PARTS if args.heldout else ("dev",):
        idx = [n for n, r in enumerate(rows) if r["part"] == part]
        gold = [rows[n]["label"] for n in idx]
        pred = [predicted[n] for n in idx]
        accuracy = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(idx)
        per_label = " ".join(f"{label}={macro_f1(gold, pred, [label]):.2f}" for label in labels)
        print(f"{part:<8}{len(idx):>6}{accuracy:>9.3f}{macro_f1(gold, pred, labels):>10.3f}  {per_label}")
        confusion = Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p)
        if confusion:
            print("        混淆（标注→预测）：" + ", ".join(f"{g}→{p}×{c}" for (g, p), c in sorted(confusion.items())))
    if args.dev_errors:
        for row, intent, label in zip(rows, intents, predicted, strict=True):
            if row["part"] == "dev" and label != row["label"]:
                print(f"[dev] {row['label']} → {label} ({intent}): {row['text'][:60]}…")


if __name__ == "__main__":
    main()
