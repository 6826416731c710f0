"""Rasa component: rule-based entities with a fixed format (see nlu/formats.py and nlu/cn_datetime.py).

application_no, id_number (value masked), phone, date (ISO, resolved against today's date in the
configured time zone), time ("HH:MM" or 上午/下午/中午/晚上) and number. Nothing is trained.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Text
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.formats import FORMAT_ENTITIES, find_formats

ALL_FORMATS = list(FORMAT_ENTITIES)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class FormatEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Phones, ID numbers, application numbers, Chinese dates and times, numbers."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Which format entities to extract.
            "entities": list(ALL_FORMATS),
            # Relative dates ("明天", "下周一") are resolved against today's date in this zone.
            "timezone": "Asia/Shanghai",
        }

    @staticmethod
    def supported_languages() -> List[Text]:
        return ["zh"]

    def __init__(self, config: Dict[Text, Any], today: Optional[Callable[[], dt.date]] = None) -> None:
        unknown = set(config["entities"]) - set(ALL_FORMATS)
        if unknown:
            raise InvalidConfigException(
                f"{type(self).__name__}: unknown entity types {sorted(unknown)}; choose from {ALL_FORMATS}"
            )
        try:
            zone = ZoneInfo(config["timezone"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidConfigException(f"{type(self).__name__}: unknown timezone {config['timezone']!r}") from exc
        self._wanted = set(config["entities"])
        self._today = today or (lambda: dt.datetime.now(zone).date())

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FormatEntityExtractor":
        return cls(config)

    def entities_of(self, text: str) -> List[Dict[Text, Any]]:
        entities = [
            {"entity": f.entity, "start": f.start, "end": f.end, "value": f.value, "confidence_entity": 1.0}
            for f in find_formats(text, self._today())
            if f.entity in self._wanted
        ]
        return self.add_extractor_name(entities)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button payload: its entities come with it
                continue
            found = self.entities_of(text)
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
