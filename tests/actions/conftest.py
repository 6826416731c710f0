"""Fixtures of the action tests: the shipped sample knowledge base (store + index) behind the action
server's resources, trackers built per scenario, the bot's domain, and the reference application API as a
real process (it stands in for the platform, which is outside the product)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.stack.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _clear_caches() -> None:
    import actions.aspects as aspects
    import actions.handoff as handoff
    import actions.handoff_resources as handoff_resources
    import actions.resources as resources
    import settings

    settings.reset_settings_cache()
    resources.knowledge_store.cache_clear()
    resources.searcher.cache_clear()
    aspects.catalog.cache_clear()
    handoff._private_store.cache_clear()
    handoff_resources.application_api_client.cache_clear()
    handoff_resources.outbox.cache_clear()


@pytest.fixture
def sample_kb(monkeypatch, sample_index, tmp_path):
    """The action server's store and searcher point at the indexed sample knowledge base."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{sample_index.parent / 'kb.sqlite3'}")
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(sample_index))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REDIS_URL", raising=False)
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


def make_tracker(text: str = "", intent: str = "ask_question", entities: Optional[List[Dict]] = None,
                 slots: Optional[Dict] = None, metadata: Optional[Dict] = None, before: Optional[List[Dict]] = None,
                 active_loop: Optional[str] = None, sender: str = "u-test") -> Tracker:
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
    return Tracker(sender, dict(slots or {}), message, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    """What the citizen reads: each message's text (custom messages included), in order."""
    out = []
    for message in dispatcher.messages:
        custom = message.get("custom") or {}
        out.append(custom.get("text") or message.get("text") or message.get("response") or "")
    return out


def slot_events(events: List[Dict]) -> Dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


class ReferenceApi:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reference_application_api", "--host", "127.0.0.1", "--port", str(self.port),
             "--db", str(workdir / "api.sqlite3"), "--log-level", "warning"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("reference application API did not start")

    def token(self, user_id: str) -> str:
        return httpx.post(self.url + "/auth/token", json={"user_id": user_id}, timeout=5).json()["access_token"]

    def listing(self, kind: str, user_id: str) -> List[Dict]:
        return httpx.get(f"{self.url}/{kind}", params={"user_id": user_id}, timeout=5).json()["items"]

    def received_count(self) -> int:
        return len(httpx.get(self.url + "/_control/received", timeout=5).json()["items"])

    def control(self, **settings) -> None:
        httpx.post(self.url + "/_control", json=settings, timeout=5).raise_for_status()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture(scope="session")
def reference_api(tmp_path_factory):
    api = ReferenceApi(tmp_path_factory.mktemp("reference-api"))
    yield api
    api.stop()


@pytest.fixture
def api(reference_api, monkeypatch, sample_kb):
    """The hand-off goes to the running reference API."""
    monkeypatch.setenv("APPLICATION_API_URL", reference_api.url)
    _clear_caches()
    yield reference_api
    _clear_caches()
