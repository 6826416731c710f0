"""Tracker stores that mask ID numbers, phones and bank cards in every stored event and never store the
identity token. The live tracker of the turn being processed is untouched (the turn's actions see what
the citizen typed); what is kept afterwards — and what the next turn and Rasa's HTTP API read — is masked.
Raw values a hand-off needs are kept apart, briefly, in privacy.session_store."""

from __future__ import annotations

import json
from typing import Any, Dict, Text

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from privacy import mask_value

SECRET_METADATA_KEYS = ("identity_token", "authorization")


def _without_secrets(value: Any) -> Any:
    """Drops secret keys wherever they are nested (event metadata, parse_data metadata, …)."""
    if isinstance(value, dict):
        return {k: _without_secrets(v) for k, v in value.items() if k not in SECRET_METADATA_KEYS}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def mask_event(event: Dict[str, Any]) -> Dict[str, Any]:
    return mask_value(_without_secrets(event))


def masked_serialisation(tracker: DialogueStateTracker) -> Text:
    dialogue = tracker.as_dialogue().as_dict()
    dialogue["events"] = [mask_event(e) for e in dialogue.get("events", [])]
    return json.dumps(dialogue)


class MaskingInMemoryTrackerStore(InMemoryTrackerStore):
    """The embedded default (no Redis), masked."""

    def __init__(self, domain, event_broker=None, host=None, **kwargs) -> None:
        super().__init__(domain, event_broker, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        self.store[tracker.sender_id] = masked_serialisation(tracker)


class MaskingRedisTrackerStore(RedisTrackerStore):
    """Redis (REDIS_URL), masked; `record_exp` makes conversations expire."""

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> Text:
        return masked_serialisation(tracker)
