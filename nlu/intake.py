"""12345 intake: routes a long message ("领导您好，我是****小区的住户……") to complaint, help_request, suggestion or
question.

Short messages are left to the intent classifier; a long narrative is different text altogether (dozens of
details, a greeting, a plea at the end) and gets a classifier of its own: TF-IDF over character 1–2-grams and
logistic regression, trained on the long training examples (bot/data/nlu/intake.yml and any other example of
at least MIN_CHARS characters) with complaint / suggestion / help_request as themselves and every other intent as
question. Chosen on the dev part of benchmarks/quality/intake_12345.yml (benchmarks/intake_bench.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

COMPLAINT, HELP_REQUEST, SUGGESTION, QUESTION = "complaint", "help_request", "suggestion", "question"
LABELS = (COMPLAINT, HELP_REQUEST, SUGGESTION, QUESTION)
# A message at least this long (spaces and punctuation not counted) is read as a 12345 message.
MIN_CHARS = 50
MODEL_FILE = "intake.joblib"
_NOT_COUNTED = re.compile(r"[\s\W_]+")


def label_of_intent(intent: Optional[str]) -> str:
    """The 12345 label of an intent: complaint, help_request and suggestion are themselves, the rest question."""
    return intent if intent in (COMPLAINT, HELP_REQUEST, SUGGESTION) else QUESTION


def is_long(text: str) -> bool:
    return len(_NOT_COUNTED.sub("", text or "")) >= MIN_CHARS


class IntakeClassifier:
    def __init__(self, pipeline: Optional[Pipeline] = None) -> None:
        self._pipeline = pipeline

    @classmethod
    def train(cls, examples: Iterable[Tuple[str, str]]) -> "IntakeClassifier":
        """examples: (text, intent); only the long ones are used. Fewer than two labels → an empty classifier."""
        texts, labels = [], []
        for text, intent in examples:
            if is_long(text):
                texts.append(text)
                labels.append(label_of_intent(intent))
        if len(set(labels)) < 2:
            return cls(None)
        pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True),
            LogisticRegression(C=1.0, max_iter=2000, random_state=42),
        )
        pipeline.fit(texts, labels)
        return cls(pipeline)

    @property
    def trained(self) -> bool:
        return self._pipeline is not None

    def probabilities(self, text: str) -> Dict[str, float]:
        if self._pipeline is None:
            return {}
        proba = self._pipeline.predict_proba([text])[0]
        return {label: float(p) for label, p in zip(self._pipeline.classes_, proba, strict=True)}

    def label(self, text: str) -> Optional[str]:
        """The 12345 label of a long message; None for a short one (or an untrained classifier)."""
        if not is_long(text):
            return None
        proba = self.probabilities(text)
        return max(proba, key=proba.get) if proba else None

    def to_disk(self, directory: Path) -> None:
        joblib.dump(self._pipeline, Path(directory) / MODEL_FILE)

    @classmethod
    def from_disk(cls, directory: Path) -> "IntakeClassifier":
        path = Path(directory) / MODEL_FILE
        return cls(joblib.load(path) if path.exists() else None)


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    """Mean F1 over the labels that occur in `gold` or `predicted` (a label absent from both is no error)."""
    scores: List[float] = []
    for label in [lbl for lbl in labels if lbl in gold or lbl in predicted]:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


__all__ = ["IntakeClassifier", "label_of_intent", "is_long", "macro_f1", "LABELS", "MIN_CHARS"]
