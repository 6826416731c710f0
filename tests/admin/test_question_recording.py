"""The action server records each question: answered ones for statistics, unanswered ones into the queue."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from devtools.support.waiting import wait_until
from knowledge import feedback, stats
from tests.conftest import no_default_addresses


@pytest.fixture
def action_resources(monkeypatch, tmp_path, mini_store, mini_index):
    import actions.resources as resources
    import settings

    monkeypatch.setenv("DATABASE_URL", mini_store.url)
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(mini_index))
    no_default_addresses(monkeypatch)
    settings.reset_settings_cache()
    resources.knowledge_store.cache_clear()
    resources.searcher.cache_clear()
    yield mini_store
    settings.reset_settings_cache()
    resources.knowledge_store.cache_clear()
    resources.searcher.cache_clear()


def tracker(text: str) -> Tracker:
    metadata = {"channel": "wechat", "region": "太原市"}
    return Tracker(
        "u-1",
        {},
        {"text": text, "intent": {"name": "ask_question"}},
        [{"event": "user", "text": text, "metadata": metadata}],
        False,
        None,
        {},
        "action_listen",
    )


async def test_answered_and_unanswered_questions_are_recorded(action_resources):
    from actions.answers.question import ActionAnswerQuestion

    store = action_resources
    action = ActionAnswerQuestion()
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker("补办身份证要多少钱"), {})
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-ga-001"
    unanswered = CollectingDispatcher()
    await action.run(unanswered, tracker("火星移民签证，电话13812345678"), {})
    assert not [m for m in unanswered.messages if (m.get("custom") or {}).get("sources")]  # nothing found
    await asyncio.sleep(0)
    groups = wait_until(lambda: feedback.unanswered_groups_list(store)[1])
    assert [(g["text"], g["count"]) for g in groups] == [("火星移民签证，电话[电话]", 1)]
    import datetime as dt

    now = dt.datetime.utcnow()
    summary = wait_until(
        lambda: (lambda s: s if s["questions"]["total"] == 2 else None)(
            stats.summary(store, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
        )
    )
    assert summary["questions"]["answer_rate"] == 0.5
    assert summary["top_entries"][0]["id"] == "faq-ga-001"
