"""Fixtures of the action tests: the shipped sample knowledge base (store + index) behind the action
server's resources, trackers built per scenario, the bot's domain, and the reference application API as a
real process (it stands in for the platform, which is outside the product)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import needs, no_default_addresses
from tests.submissions.conftest import ReferenceServer

ROOT = Path(__file__).resolve().parents[2]


def _clear_caches() -> None:
    import actions.answers.aspects as aspects
    import actions.platform.resources as platform_resources
    import actions.platform.submission as submission
    import actions.resources as resources
    import settings

    settings.reset_settings_cache()
    resources.knowledge_store.cache_clear()
    resources.searcher.cache_clear()
    aspects.catalog.cache_clear()
    submission._private_store.cache_clear()
    platform_resources.application_api_client.cache_clear()
    platform_resources.outbox.cache_clear()


@pytest.fixture
def sample_kb(monkeypatch, sample_index, tmp_path):
    """The action server's store and searcher point at the indexed sample knowledge base."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{sample_index.parent / 'kb.sqlite3'}")
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(sample_index))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    no_default_addresses(monkeypatch)
    _clear_caches()
    from actions.resources import knowledge_store

    yield knowledge_store()
    _clear_caches()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> Dict:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()


def make_tracker(
    text: str = "",
    intent: str = "ask_question",
    entities: Optional[List[Dict]] = None,
    slots: Optional[Dict] = None,
    metadata: Optional[Dict] = None,
    before: Optional[List[Dict]] = None,
    active_loop: Optional[str] = None,
    sender: str = "u-test",
) -> Tracker:
    """A tracker whose latest user message is `text` (entities as the NLU would give them: entity, value,
    and optional start/end), after the events in `before`."""
    entities = [dict(e) for e in (entities or [])]
    for e in entities:
        if "start" not in e and e.get("text"):
            e["start"] = text.index(e["text"])
            e["end"] = e["start"] + len(e["text"])
    message = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities}
    user = {"event": "user", "text": text, "parse_data": message, "metadata": metadata or {}}
    events = list(before or []) + [user]
    return Tracker(
        sender,
        dict(slots or {}),
        message,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def said(dispatcher: CollectingDispatcher) -> List[str]:
    """The domain response each message rendered (actions/wording.py), "" for one that renders none."""
    return [message.get("utter_action") or message.get("response") or "" for message in dispatcher.messages]


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    """What the citizen reads: each message's text (custom messages included), in order."""
    out = []
    for message in dispatcher.messages:
        custom = message.get("custom") or {}
        out.append(custom.get("text") or message.get("text") or message.get("response") or "")
    return out


def use_profile(store, monkeypatch, drop=(), **values) -> None:
    """The action server reads another province's profile: the sample's with `values` set and `drop` left out
    (the shared sample store itself is left as it is)."""
    profile = {k: v for k, v in json.loads(store.get_meta("profile")).items() if k not in drop}
    raw = json.dumps({**profile, **values}, ensure_ascii=False)
    monkeypatch.setattr(store, "get_meta", lambda key: raw if key == "profile" else None)


def slot_events(events: List[Dict]) -> Dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture(scope="session")
@needs("processes")
def reference_api(tmp_path_factory):
    """The reference application API as a real process, for the whole session."""
    server = ReferenceServer(tmp_path_factory.mktemp("reference-api") / "api.sqlite3").start()
    yield server
    server.stop()


@pytest.fixture
def api(reference_api, monkeypatch, sample_kb):
    """The submission goes to the running reference API."""
    monkeypatch.setenv("APPLICATION_API_URL", reference_api.url)
    _clear_caches()
    yield reference_api
    _clear_caches()
