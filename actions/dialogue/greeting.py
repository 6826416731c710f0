"""The chat greeting (你好): the greeting, then this week's 热门问题 as buttons (knowledge/hot_questions.py —
the same list the web page and WeChat welcome show). Each button sends its question; a typed number picks
one too (the questions are the numbered choices). In 长辈模式, the short greeting only."""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import choices, elder_mode, render
from actions.resources import knowledge_store
from knowledge import hot_questions as hot

CACHE_SECONDS = 60.0

_cache: Dict[str, tuple] = {}
_lock = threading.Lock()


def this_weeks_questions() -> List[hot.HotQuestion]:
    """Cached for a minute: a greeting never waits on the statistics query twice."""
    with _lock:
        cached = _cache.get("hot")
        if cached and cached[0] > time.monotonic():
            return cached[1]
    questions = hot.hot_questions(knowledge_store())
    with _lock:
        _cache["hot"] = (time.monotonic() + CACHE_SECONDS, questions)
    return questions


def clear_cache() -> None:
    with _lock:
        _cache.clear()


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        elder = elder_mode.is_on(tracker)
        greeting = "utter_greet" if (elder or wording.wording_values()["greeting"]) else "utter_greet_generic"
        wording.say(dispatcher, greeting, elder)
        if elder:
            return []
        questions = this_weeks_questions()
        if not questions:
            return []
        titles = [q.text for q in questions]
        dispatcher.utter_message(
            json_message=render.buttons_message(
                render.numbered(wording.text("utter_hot_questions_prompt"), titles),
                [{"title": t, "payload": t} for t in titles],
            )
        )
        return [SlotSet(choices.SLOT, [q.ref for q in questions])]
