"""Tracker stores that mask ID numbers, phones and bank cards in every stored event and never store the
identity token. The live tracker of the turn being processed is untouched (the turn's actions see what
the citizen typed); what is kept afterwards — and what the next turn and Rasa's HTTP API read — is masked.
Raw values a hand-off needs are kept apart, briefly, in privacy.session_store.

Rasa saves a conversation twice a turn (after reading the message, after the actions). The Redis store
appends to what is stored only the live tracker's events after the last stored one, masking just those:
Rasa's own save read the whole stored conversation back into event objects, compared it with the live one
and, when masking made them differ, appended the live copies of events already stored (the citizen's
message twice, once unmasked). Cost measured in benchmarks/README.md ("负载：Rasa 保存对话只追加新事件")."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

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


def new_events(tracker: DialogueStateTracker, last_stored: Dict[str, Any]) -> Optional[List[Dict[str, Any]]]:
    """The live tracker's events after the one stored last (as masked dicts), or None when the live tracker
    does not hold that event (another session's tracker, a conversation replaced through the HTTP API)."""
    events = list(tracker.events)
    stamp = last_stored.get("timestamp")
    for position in range(len(events) - 1, -1, -1):
        event = events[position]
        if event.timestamp == stamp and mask_event(event.as_dict()) == last_stored:
            return [mask_event(e.as_dict()) for e in events[position + 1 :]]
    return None


class MaskingRedisTrackerStore(RedisTrackerStore):
    """Redis (REDIS_URL), masked; `record_exp` makes conversations expire."""

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> Text:
        return masked_serialisation(tracker)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        key = self.key_prefix + tracker.sender_id
        stored = self.red.get(key)
        if stored is None:  # a new conversation: all of it, masked
            serialised = masked_serialisation(tracker)
        else:
            stored_events = json.loads(stored).get("events") or []
            added = new_events(tracker, stored_events[-1]) if stored_events else None
            if added is None:  # a tracker that does not continue what is stored: Rasa's merge
                await super().save(tracker, timeout)
                return
            serialised = json.dumps({"events": stored_events + added, "name": tracker.sender_id})
        await self.stream_events(tracker)
        self.red.set(key, serialised, ex=timeout or self.record_exp)
