"""Compares NLU pipelines on the held-out set: for each config in benchmarks/nlu_pipelines/ (and bot/config.yml)
trains an NLU-only model on bot/data/nlu, runs `rasa test nlu` on bot/tests/nlu_heldout.yml and summarises it
with nlu.evaluation. Prints one row per pipeline: training seconds (wall clock, and the CPU time of the training
process, which other processes on a shared machine do not inflate), intent macro-F1, entity F1.

    .venv/bin/python benchmarks/nlu_compare.py [config.yml ...] [--work /tmp/nlu-compare]

Slow (one training per pipeline); results go to docs/nlu.md and benchmarks/README.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).parent / "rasa")
HELDOUT = ROOT / "bot" / "tests" / "nlu_heldout.yml"


def run(args, env) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def evaluate(config: Path, work: Path, env) -> dict:
    name = config.stem if config.parent.name == "nlu_pipelines" else "bot-config"
    models = work / "models"
    started, cpu_before = time.monotonic(), _children_cpu()
    run(
        [
            RASA,
            "train",
            "nlu",
            "--config",
            str(config),
            "--nlu",
            "bot/data/nlu",
            "--out",
            str(models),
            "--fixed-model-name",
            name,
        ],
        env,
    )
    seconds, cpu = time.monotonic() - started, _children_cpu() - cpu_before
    out = work / name
    run(
        [
            RASA,
            "test",
            "nlu",
            "--model",
            str(models / f"{name}.tar.gz"),
            "--nlu",
            str(HELDOUT),
            "--out",
            str(out),
            "--no-plot",
        ],
        env,
    )
    summary = work / f"{name}.json"
    run([sys.executable, "-m", "nlu.evaluation", str(out), "--json", str(summary)], env)
    data = json.loads(summary.read_text(encoding="utf-8"))
    return {
        "pipeline": name,
        "train_seconds": round(seconds),
        "train_cpu_seconds": round(cpu),
        "intent_macro_f1": round(data["intent"]["macro_f1"], 3),
        "intent_accuracy": round(data["intent"]["accuracy"], 3),
        "entity_f1": round(data["entity"]["weighted_f1"], 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("configs", nargs="*", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/nlu-compare"))
    args = parser.parse_args()
    configs = args.configs or sorted((ROOT / "benchmarks" / "nlu_pipelines").glob("*.yml"))
    args.work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # no training cache: every pipeline is trained from scratch, so the seconds compare
        "RASA_MAX_CACHE_SIZE": "0",
    }
    print("pipeline | train s (wall) | train s (CPU) | intent macro-F1 | intent acc | entity F1", flush=True)
    for config in configs:
        row = evaluate(config.resolve(), args.work, env)
        print(
            f"{row['pipeline']} | {row['train_seconds']} | {row['train_cpu_seconds']} | {row['intent_macro_f1']} | "
            f"{row['intent_accuracy']} | {row['entity_f1']}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
