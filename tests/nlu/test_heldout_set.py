"""The held-out NLU test set: big enough, covers every intent, and never appears in the training data."""

import re
from pathlib import Path

import yaml

from nlu.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "bot" / "tests" / "nlu_heldout.yml"
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")
PUNCT = re.compile(r"[\W_]+")


def examples(path: Path):
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        for line in block.get("examples", "").splitlines():
            if line.strip().startswith("- "):
                yield block["intent"], line.strip()[2:]


def key(text: str) -> str:
    return PUNCT.sub("", normalize(ANNOTATION.sub(r"\1", text))).lower()


def test_at_least_400_utterances_covering_every_intent():
    held = list(examples(HELDOUT))
    domain_intents = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        domain_intents |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents", []))
    assert len(held) >= 400
    assert {intent for intent, _ in held} == domain_intents
    assert len({key(t) for _, t in held}) == len(held)  # no duplicates inside the set


def test_no_held_out_utterance_is_in_the_training_data():
    training = {key(t) for path in (ROOT / "bot" / "data" / "nlu").glob("*.yml") for _, t in examples(path)}
    leaked = [t for _, t in examples(HELDOUT) if key(t) in training]
    assert leaked == []


BLIND = ROOT / "bot" / "tests" / "nlu_blind.yml"


def test_the_blind_set_covers_every_intent_and_is_neither_training_nor_held_out_data():
    blind = list(examples(BLIND))
    domain_intents = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        domain_intents |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("intents", []))
    assert {intent for intent, _ in blind} == domain_intents
    assert len({key(t) for _, t in blind}) == len(blind) >= 80
    training = {key(t) for path in (ROOT / "bot" / "data" / "nlu").glob("*.yml") for _, t in examples(path)}
    held = {key(t) for _, t in examples(HELDOUT)}
    assert [t for _, t in blind if key(t) in training or key(t) in held] == []
