"""Rasa component: re-ranks the intent classifier's guess with the evidence in the message (nlu/evidence.py).

Placed after LogisticRegressionClassifier and before FallbackClassifier. It

1. adds the entities the gazetteer's exact spans miss: item (certificate + action anywhere, an item said in
   pieces), app (便民应用), life_event (a life situation → its 一件事);
2. routes long 12345-style messages with their own classifier (nlu/intake.py): complaint, help_request,
   suggestion, or a question;
3. lets a transactional intent (进度查询, 预约, 申办, 投诉, 建议, 求助, 评价) stand only on its explicit cue, and a
   message naming an item, document, app or package be a question about it (never out of scope, never
   "not understood").

Training stores the knowledge-base tables and the intake classifier with the model; a loaded model needs no
knowledge base.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import nlu.evidence as evidence_module
import nlu.intake as intake_module
from nlu.evidence import EvidenceTables, derived_entities, rerank
from nlu.intake import IntakeClassifier
from nlu.kb_terms import load_terms

logger = logging.getLogger(__name__)
TABLES_FILE = "evidence.json"
EXTRACTOR = "EvidenceRanker"


def _source_fingerprint() -> str:
    """The ranker's code is part of what it trains (the intake classifier's settings): retrain on change."""
    digest = hashlib.sha256()
    for module in (evidence_module, intake_module):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:16]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EvidenceRanker(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Knowledge-base profile directory for the app and certificate tables (default: KB_PROFILE_DIR).
            "kb_profile_dir": None,
            # Route long messages with the 12345 intake classifier.
            "intake": True,
        }

    @staticmethod
    def supported_languages() -> List[Text]:
        return ["zh"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        tables: Optional[EvidenceTables] = None,
        intake: Optional[IntakeClassifier] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._tables = tables or EvidenceTables()
        self._intake = intake or IntakeClassifier()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EvidenceRanker":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return load_terms(config.get("kb_profile_dir")).fingerprint() + _source_fingerprint()

    def train(self, training_data: TrainingData) -> Resource:
        terms = load_terms(self._config.get("kb_profile_dir"))
        known = sorted({t.value for t in terms.terms if t.label in ("item", "life_event")} | set(terms.item_names))
        names = sorted({t.text for t in terms.terms if t.label in ("item", "life_event")})
        self._tables = EvidenceTables(list(terms.compounds), dict(terms.apps), known, names)
        examples = [(m.get(TEXT) or "", m.get(INTENT)) for m in training_data.intent_examples]
        self._intake = IntakeClassifier.train(examples) if self._config.get("intake", True) else IntakeClassifier()
        with self._model_storage.write_to(self._resource) as directory:
            (Path(directory) / TABLES_FILE).write_text(
                json.dumps(self._tables.to_json(), ensure_ascii=False), encoding="utf-8"
            )
            self._intake.to_disk(Path(directory))
        logger.info(
            "evidence ranker: %d apps, %d certificate items, intake classifier %s",
            len(self._tables.apps),
            len(self._tables.compounds),
            "trained" if self._intake.trained else "not trained",
        )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "EvidenceRanker":
        try:
            with model_storage.read_from(resource) as directory:
                tables = EvidenceTables.from_json(json.loads((Path(directory) / TABLES_FILE).read_text("utf-8")))
                intake = IntakeClassifier.from_disk(Path(directory))
        except (ValueError, FileNotFoundError):
            logger.warning("%s: nothing in the model storage; it only applies the cue rules", cls.__name__)
            tables, intake = None, None
        return cls(config, model_storage, resource, tables, intake)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_one(message)
        return messages

    def process_one(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        entities = list(message.get(ENTITIES) or [])
        added = [dict(e, extractor=EXTRACTOR) for e in derived_entities(text, entities, self._tables)]
        if added:
            entities += added
            message.set(ENTITIES, entities, add_to_output=True)
        intent = message.get(INTENT) or {}
        ranking = message.get(INTENT_RANKING_KEY) or ([intent] if intent.get("name") else [])
        if not ranking:
            return
        label = self._intake.label(text) if self._config.get("intake", True) else None
        result = rerank([(r["name"], r["confidence"]) for r in ranking], text, entities, label)
        message.set(INTENT, {"name": result.intent, "confidence": result.confidence}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{"name": name, "confidence": confidence} for name, confidence in result.ranking[: len(ranking)]],
            add_to_output=True,
        )
