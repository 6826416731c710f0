"""Realistic multi-turn citizen conversations built from the held-out NLU set (bot/tests/nlu_heldout.yml,
never used in training): a question about one item, follow-ups that name no item (materials, fee, time,
place, online), a question about another item, then thanks or goodbye. The held-out set carries the
colloquial and misspelt forms (咋整, sfz, 社保咔, 户口薄, 繁体) that citizens type.

Hand-off intents (appointments, complaints, applications) are left out: they open forms that need an
identity token, which a load test of the question-answering path does not carry."""

from __future__ import annotations

import random
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "bot" / "tests" / "nlu_heldout.yml"
ANNOTATION = re.compile(r"\[([^\]]+)\]\((\w+)\)")
QUESTION_INTENTS = (
    "ask_question",
    "ask_guide",
    "ask_materials",
    "ask_fee",
    "ask_time",
    "ask_location",
    "ask_online",
    "ask_conditions",
)
FOLLOW_UP_INTENTS = ("ask_materials", "ask_fee", "ask_time", "ask_location", "ask_online", "ask_conditions")
ITEM_ENTITIES = {"item", "document"}


@lru_cache(maxsize=1)
def utterance_pools() -> Dict[str, List[str]]:
    """Plain-text utterances by role: greet, item (names an item), follow_up (names none), close."""
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    by_intent: Dict[str, List[str]] = {}
    for block in data["nlu"]:
        examples = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
        by_intent[block["intent"]] = examples
    pools: Dict[str, List[str]] = {"greet": [], "item": [], "follow_up": [], "close": []}
    for intent, examples in by_intent.items():
        for example in examples:
            entities = {m.group(2) for m in ANNOTATION.finditer(example)}
            text = ANNOTATION.sub(lambda m: m.group(1), example)
            if intent == "greet":
                pools["greet"].append(text)
            elif intent in ("thank", "goodbye"):
                pools["close"].append(text)
            elif intent in QUESTION_INTENTS and entities & ITEM_ENTITIES:
                pools["item"].append(text)
            elif intent in FOLLOW_UP_INTENTS and not entities & ITEM_ENTITIES:
                pools["follow_up"].append(text)
    assert all(pools.values()), {k: len(v) for k, v in pools.items()}
    return pools


def conversation(rng: random.Random) -> List[str]:
    """One citizen's turns (5–8, all different): [greet] item, 1–2 follow-ups, another item, [follow-up], close."""
    pools = utterance_pools()
    follow_ups = rng.sample(pools["follow_up"], 3)
    first, second = rng.sample(pools["item"], 2)
    turns: List[str] = []
    if rng.random() < 0.3:
        turns.append(rng.choice(pools["greet"]))
    turns.append(first)
    turns.extend(follow_ups[: rng.randint(1, 2)])
    turns.append(second)
    if rng.random() < 0.5:
        turns.append(follow_ups[2])
    turns.append(rng.choice(pools["close"]))
    return turns


def conversations(count: int, seed: int) -> List[List[str]]:
    rng = random.Random(seed)
    return [conversation(rng) for _ in range(count)]
