"""Rasa component: entities from the knowledge-base gazetteer (spaCy EntityRuler, see nlu/gazetteer.py).

Extracts item, life_event, document, department and region by character offsets, so jieba's word
boundaries never split or drop them. Training builds the patterns from the knowledge base and stores
them with the model; a loaded model needs no knowledge base. A form naming several entries of one type
yields one entity per entry (same span), which the dialogue turns into a numbered choice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.gazetteer import Gazetteer
from nlu.kb_terms import PRIORITY, load_terms

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class KnowledgeGazetteerExtractor(GraphComponent, EntityExtractorMixin):
    """item / life_event / document / department / region from the knowledge base's names."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Knowledge-base profile directory to build the gazetteer from (default: KB_PROFILE_DIR).
            "kb_profile_dir": None,
            # Entity types to extract (a subset of item, life_event, document, department, region).
            "entities": list(PRIORITY),
        }

    @staticmethod
    def supported_languages() -> List[Text]:
        return ["zh"]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["spacy"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        gazetteer: Optional[Gazetteer] = None,
    ) -> None:
        unknown = set(config["entities"]) - set(PRIORITY)
        if unknown:
            raise InvalidConfigException(
                f"{type(self).__name__}: unknown entity types {sorted(unknown)}; choose from {list(PRIORITY)}"
            )
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._gazetteer = gazetteer
        self._wanted = set(config["entities"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "KnowledgeGazetteerExtractor":
        return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return load_terms(config.get("kb_profile_dir")).fingerprint()

    def train(self, training_data: TrainingData) -> Resource:
        self._gazetteer = Gazetteer.from_terms(load_terms(self._config.get("kb_profile_dir")))
        with self._model_storage.write_to(self._resource) as directory:
            self._gazetteer.to_disk(Path(directory))
        logger.info("gazetteer of %d knowledge-base patterns stored with the model", len(self._gazetteer.patterns))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "KnowledgeGazetteerExtractor":
        try:
            with model_storage.read_from(resource) as directory:
                gazetteer = Gazetteer.from_disk(Path(directory))
        except ValueError:
            logger.warning("%s: no gazetteer in the model storage; it extracts nothing", cls.__name__)
            gazetteer = None
        return cls(config, model_storage, resource, gazetteer)

    def entities_of(self, text: str) -> List[Dict[Text, Any]]:
        if self._gazetteer is None:
            return []
        entities = []
        for match in self._gazetteer.find(text):
            if match.entity not in self._wanted:
                continue
            for value in match.values:
                entities.append(
                    {
                        "entity": match.entity,
                        "start": match.start,
                        "end": match.end,
                        "value": value,
                        "confidence_entity": 1.0,
                    }
                )
        return self.add_extractor_name(entities)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self.entities_of(message.get(TEXT) or "")
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
